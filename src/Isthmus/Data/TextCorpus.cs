using System.Text;

namespace Isthmus.Data;

/// <summary>
/// A plain-text corpus as word ids, prepared the way the Penn Treebank language-modelling setup is: tokens are the
/// whitespace-separated words of each line, case and punctuation kept as written, with <see cref="Vocabulary.EndOfLine"/>
/// appended at every line end. The lines are split, contiguously and in order, 80 % / 10 % / 10 % into
/// train / valid / test. The vocabulary comes from the training part only; words seen fewer than <c>minCount</c> times
/// there (by default: once) become <see cref="Vocabulary.Unknown"/>, so the model meets <c>&lt;unk&gt;</c> in training
/// and the words it never saw in valid/test are not infinitely surprising.
/// </summary>
public sealed class TextCorpus
{
    /// <summary>Share of lines in the training split; the rest is halved into valid and test.</summary>
    public const double TrainShare = 0.8;

    internal TextCorpus(Vocabulary vocab, long[] train, long[] valid, long[] test)
    {
        Vocab = vocab;
        Train = train;
        Valid = valid;
        Test = test;
    }

    /// <summary>The vocabulary, built from <see cref="Train"/>.</summary>
    public Vocabulary Vocab { get; }

    /// <summary>Token ids of the first 80 % of the lines.</summary>
    public long[] Train { get; }

    /// <summary>Token ids of the next 10 % of the lines.</summary>
    public long[] Valid { get; }

    /// <summary>Token ids of the last lines.</summary>
    public long[] Test { get; }

    /// <summary>Reads <paramref name="path"/> as UTF-8 and builds the corpus from it.</summary>
    public static TextCorpus FromFile(string path, int minCount = 2)
    {
        if (!File.Exists(path))
            throw new IsthmusException($"{path} does not exist; check the path of the text corpus.");
        return FromText(File.ReadAllText(path, Encoding.UTF8), minCount, path);
    }

    /// <summary>Builds the corpus from <paramref name="text"/>; <paramref name="source"/> only names it in messages.</summary>
    /// <exception cref="IsthmusException">Fewer lines than it takes to give every split at least one.</exception>
    public static TextCorpus FromText(string text, int minCount = 2, string source = "the text")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var lines = text.Split('\n');
        // A final newline ends the last line; it does not start an empty one.
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var trainLines = (int)(count * TrainShare);
        var validLines = (count - trainLines) / 2;
        var testLines = count - trainLines - validLines;
        if (trainLines == 0 || validLines == 0 || testLines == 0)
            throw new IsthmusException(
                $"{source} has {count} lines, too few to split 80/10/10 into train, valid and test; use a text of at least 10 lines.");

        var vocab = Vocabulary.Build(Tokens(lines, 0, trainLines), minCount);
        long[] Ids(int start, int length) => Tokens(lines, start, length).Select(w => (long)vocab.IdOf(w)).ToArray();
        return new TextCorpus(vocab, Ids(0, trainLines), Ids(trainLines, validLines), Ids(trainLines + validLines, testLines));
    }

    private static IEnumerable<string> Tokens(string[] lines, int start, int length)
    {
        for (var i = start; i < start + length; i++)
        {
            foreach (var word in lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                yield return word;
            yield return Vocabulary.EndOfLine;
        }
    }
}
