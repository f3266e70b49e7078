namespace Isthmus.Data;

/// <summary>
/// The words of a text corpus and their ids: <c>&lt;unk&gt;</c> is 0, <c>&lt;eos&gt;</c> is 1, then the words by
/// descending training frequency (ties in ordinal order), so ids are reproducible and frequent words come first.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The token standing for every word outside the vocabulary (the Penn Treebank spelling).</summary>
    public const string Unknown = "<unk>";

    /// <summary>The token appended at every line end.</summary>
    public const string EndOfLine = "<eos>";

    private readonly string[] _words;
    private readonly Dictionary<string, int> _ids;

    private Vocabulary(string[] words)
    {
        _words = words;
        _ids = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++) _ids[words[i]] = i;
    }

    /// <summary>Id of <see cref="Unknown"/>.</summary>
    public int UnknownId => 0;

    /// <summary>Id of <see cref="EndOfLine"/>.</summary>
    public int EndOfLineId => 1;

    /// <summary>Number of ids, the two special tokens included: the output size of a language model.</summary>
    public int Count => _words.Length;

    /// <summary>Every word, indexed by id.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>The word with id <paramref name="id"/>.</summary>
    public string this[int id] => _words[id];

    /// <summary>The id of <paramref name="word"/>, or <see cref="UnknownId"/> when it is not in the vocabulary.</summary>
    public int IdOf(string word) => _ids.TryGetValue(word, out var id) ? id : UnknownId;

    /// <summary>Whether <paramref name="word"/> has an id of its own.</summary>
    public bool Contains(string word) => _ids.ContainsKey(word);

    /// <summary>
    /// Builds the vocabulary from training tokens: words seen at least <paramref name="minCount"/> times get an id,
    /// the rest will read as <see cref="Unknown"/>.
    /// </summary>
    public static Vocabulary Build(IEnumerable<string> trainingTokens, int minCount)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in trainingTokens)
            if (token is not (Unknown or EndOfLine))
                counts[token] = counts.GetValueOrDefault(token) + 1;
        var kept = counts.Where(kv => kv.Value >= minCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key);
        return new Vocabulary([Unknown, EndOfLine, .. kept]);
    }

    /// <summary>
    /// Builds the vocabulary of the <paramref name="maxWords"/> most frequent training words (ties in ordinal order),
    /// the Penn Treebank convention of a fixed 10k vocabulary; every other word will read as <see cref="Unknown"/>.
    /// </summary>
    public static Vocabulary BuildTop(IEnumerable<string> trainingTokens, int maxWords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWords, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in trainingTokens)
            if (token is not (Unknown or EndOfLine))
                counts[token] = counts.GetValueOrDefault(token) + 1;
        var kept = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(maxWords).Select(kv => kv.Key);
        return new Vocabulary([Unknown, EndOfLine, .. kept]);
    }

    /// <summary>Rebuilds a vocabulary from its <see cref="Words"/> (e.g. as saved with a checkpoint).</summary>
    /// <exception cref="IsthmusException">The list does not start with the two special tokens or repeats a word.</exception>
    public static Vocabulary FromWords(IReadOnlyList<string> words)
    {
        if (words.Count < 2 || words[0] != Unknown || words[1] != EndOfLine || words.Distinct(StringComparer.Ordinal).Count() != words.Count)
            throw new IsthmusException(
                $"A vocabulary must start with {Unknown} and {EndOfLine} and list each word once; rebuild it from the corpus.");
        return new Vocabulary(words.ToArray());
    }
}
