using Isthmus.Data;

namespace Isthmus.Tests.Data;

public sealed class UnigramBaselineTests
{
    [Fact]
    public void Perplexity_is_the_add_one_smoothed_training_frequency()
    {
        // counts 2, 1, 1, 0 of n = 4 tokens, V = 4: p = 3/8, 2/8, 2/8, 1/8; on [0, 3] the mean NLL is -ln(3/64)/2.
        using var train = tensor(new long[] { 0, 0, 1, 2 });
        using var eval = tensor(new long[] { 0, 3 });
        Assert.Equal(Math.Sqrt(64.0 / 3), UnigramBaseline.Perplexity(train, eval, 4), 12);
    }

    [Fact]
    public void Equal_counts_give_the_vocabulary_size()
    {
        using var train = tensor(new long[] { 0, 1, 2, 3, 3, 2, 1, 0 });
        using var eval = tensor(new long[] { 3, 1, 1 });
        Assert.Equal(4.0, UnigramBaseline.Perplexity(train, eval, 4), 12);
    }

    [Fact]
    public void An_id_outside_the_vocabulary_is_refused()
    {
        using var train = tensor(new long[] { 0, 1 });
        using var eval = tensor(new long[] { 5 });
        Assert.Contains("[0, 4)", Assert.Throws<ArgumentException>(() => UnigramBaseline.Perplexity(train, eval, 4)).Message);
    }

    [Fact]
    public void A_text_summary_counts_tokens_unknowns_and_the_unigram_perplexity_of_both_splits()
    {
        var corpus = TextCorpus.FromText(string.Concat(Enumerable.Range(0, 10).Select(i => i == 9 ? "the cat zebra\n" : "the cat sat\n")));
        using var data = DataBundle.ForText("tiny", TextDataset.FromIds(corpus.Train), TextDataset.FromIds(corpus.Test), corpus.Vocab);
        var s = DataSummary.Of(data);

        Assert.Equal(corpus.Train.Length, s.Train);
        Assert.Equal(4, s.Eval); // "the cat zebra <eos>", zebra unseen in training
        Assert.Equal(0.25, s.EvalUnknownShare!.Value, 12);
        using var train = tensor(corpus.Train);
        using var test = tensor(corpus.Test);
        Assert.Equal(UnigramBaseline.Perplexity(train, test, corpus.Vocab.Count), s.UnigramEvalPerplexity!.Value, 12);
        Assert.Equal(UnigramBaseline.Perplexity(train, train, corpus.Vocab.Count), s.UnigramTrainPerplexity!.Value, 12);
        Assert.True(s.UnigramEvalPerplexity > s.UnigramTrainPerplexity, "the unseen word costs the test split");
    }
}
