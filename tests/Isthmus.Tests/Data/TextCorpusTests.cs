namespace Isthmus.Tests.Data;

public sealed class TextCorpusTests
{
    // 10 lines: 8 train, 1 valid, 1 test.
    private const string Text =
        "the cat sat\n" +
        "the dog sat\n" +
        "a cat ran\n" +
        "the end\n" +
        "Once upon\n" +
        "the cat\n" +
        "dog dog\n" +
        "zebra sat\n" +
        "the unicorn sat\n" +
        "cat  ran\n";

    [Fact]
    public void Lines_split_80_10_10_contiguously_with_eos_at_every_line_end()
    {
        var corpus = TextCorpus.FromText(Text);
        var v = corpus.Vocab;

        Assert.Equal(new[] { "the", "unicorn", "sat", Vocabulary.EndOfLine }.Select(w => (long)v.IdOf(w)), corpus.Valid);
        Assert.Equal(new[] { "cat", "ran", Vocabulary.EndOfLine }.Select(w => (long)v.IdOf(w)), corpus.Test);
        Assert.Equal(8 + 19, corpus.Train.Length); // 19 words on 8 lines, one <eos> each
        Assert.Equal(8, corpus.Train.Count(id => id == v.EndOfLineId));
    }

    [Fact]
    public void Vocabulary_comes_from_training_words_seen_twice_ordered_by_frequency()
    {
        var v = TextCorpus.FromText(Text).Vocab;

        // the ×4, sat ×3, cat ×3, dog ×3, ran... once → <unk>; ties in ordinal order.
        Assert.Equal(new[] { Vocabulary.Unknown, Vocabulary.EndOfLine, "the", "cat", "dog", "sat" }, v.Words);
        Assert.Equal(0, v.IdOf("unicorn")); // only in valid
        Assert.Equal(0, v.IdOf("zebra"));   // once in train
        Assert.False(v.Contains("Once"));
    }

    [Fact]
    public void Training_singletons_become_unk_in_the_training_stream()
    {
        var corpus = TextCorpus.FromText(Text);
        // a, ran, end, Once, upon, zebra: six singletons in the training lines.
        Assert.Equal(6, corpus.Train.Count(id => id == corpus.Vocab.UnknownId));
    }

    [Fact]
    public void MinCount_one_keeps_every_training_word()
    {
        var v = TextCorpus.FromText(Text, minCount: 1).Vocab;
        Assert.True(v.Contains("zebra"));
        Assert.False(v.Contains("unicorn"));
        Assert.Equal(2 + 10, v.Count);
    }

    [Fact]
    public void Too_few_lines_is_an_error()
    {
        var error = Assert.Throws<IsthmusException>(() => TextCorpus.FromText("one\ntwo\n"));
        Assert.Contains("2 lines", error.Message);
    }

    [Fact]
    public void Vocabulary_round_trips_through_its_word_list()
    {
        var v = TextCorpus.FromText(Text).Vocab;
        var again = Vocabulary.FromWords(v.Words.ToArray());
        Assert.Equal(v.Words, again.Words);
        Assert.Equal(v.IdOf("dog"), again.IdOf("dog"));
        Assert.Throws<IsthmusException>(() => Vocabulary.FromWords(["the", "cat"]));
    }
}
