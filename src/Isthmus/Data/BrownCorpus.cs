namespace Isthmus.Data;

/// <summary>
/// The Brown corpus (Francis &amp; Kučera 1964/1979) as a word-level language-modelling set shaped like the Penn
/// Treebank one Garipov et al. (2018, Table 3) use: every <c>word/tag</c> token loses its tag and is lower-cased, each
/// sentence (one line of a corpus file) ends with <see cref="Vocabulary.EndOfLine"/>, and the 10,000 most frequent
/// training words form the vocabulary, the rest reading as <see cref="Vocabulary.Unknown"/>. The split is by file:
/// in the corpus' file order (ca01 ... cr09), files 9 and 10 of every ten go to valid and test, the other eight to
/// train, so each split spans all fifteen genres (an 80/10/10 split by whole files; a contiguous one would leave the
/// test set all fiction).
/// </summary>
public static class BrownCorpus
{
    /// <summary>Size of the vocabulary, not counting the two special tokens.</summary>
    public const int VocabularySize = 10_000;

    /// <summary>The line that starts each corpus file in the kept text.</summary>
    public const string FileMarker = "# ";

    /// <summary>Writes the corpus files (names c + genre letter + two digits) of <paramref name="dir"/> into one text, in ordinal order.</summary>
    internal static void Join(string dir, string toFile)
    {
        var names = Directory.GetFiles(dir).Select(Path.GetFileName).OfType<string>()
            .Where(n => n.Length == 4 && n[0] == 'c' && char.IsAsciiLetterLower(n[1]) && char.IsAsciiDigit(n[2]) && char.IsAsciiDigit(n[3]))
            .Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
            throw new IsthmusException($"The Brown corpus archive holds no corpus files; delete the download and fetch it again.");
        using var output = File.Create(toFile);
        foreach (var name in names)
        {
            output.Write(System.Text.Encoding.ASCII.GetBytes(FileMarker + name + "\n"));
            using var input = File.OpenRead(Path.Combine(dir, name));
            input.CopyTo(output);
        }
    }

    /// <summary>The sentences of one corpus file as lower-cased words without tags.</summary>
    public static IEnumerable<string[]> Sentences(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Word).ToArray();
            if (words.Length > 0) yield return words;
        }
    }

    /// <summary>A <c>word/tag</c> token as its lower-cased word; the tag follows the last slash.</summary>
    public static string Word(string token)
    {
        var slash = token.LastIndexOf('/');
        return (slash > 0 ? token[..slash] : token).ToLowerInvariant();
    }

    /// <summary>Which split file number <paramref name="index"/> (0-based, in file order) belongs to: 0 train, 1 valid, 2 test.</summary>
    public static int SplitOf(int index) => (index % 10) switch { 8 => 1, 9 => 2, _ => 0 };

    /// <summary>Builds the corpus from the kept text (files after <see cref="FileMarker"/> lines).</summary>
    public static TextCorpus FromText(string text, int vocabularySize = VocabularySize)
    {
        var files = new List<List<string>>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(FileMarker, StringComparison.Ordinal)) files.Add([]);
            else if (files.Count > 0) files[^1].Add(line);
        }
        if (files.Count < 10)
            throw new IsthmusException($"The Brown text has {files.Count} files, too few for a train/valid/test split; fetch it again.");
        var splits = new[] { new List<string>(), new List<string>(), new List<string>() };
        for (var i = 0; i < files.Count; i++)
            foreach (var sentence in Sentences(files[i]))
            {
                splits[SplitOf(i)].AddRange(sentence);
                splits[SplitOf(i)].Add(Vocabulary.EndOfLine);
            }
        var vocab = Vocabulary.BuildTop(splits[0], vocabularySize);
        long[] Ids(List<string> words) => words.Select(w => (long)vocab.IdOf(w)).ToArray();
        return new TextCorpus(vocab, Ids(splits[0]), Ids(splits[1]), Ids(splits[2]));
    }
}
