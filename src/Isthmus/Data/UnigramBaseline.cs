namespace Isthmus.Data;

/// <summary>
/// The unigram language model of a corpus: every word predicted from its frequency in the training tokens alone,
/// add-one smoothed, p(w) = (count(w) + 1) / (n + V). It is the scale a language model's perplexity is read against:
/// the straight segment between two trained LSTMs drops most of what either learnt beyond word frequencies, which their
/// decoder biases both carry, so the segment's worst perplexity approaches this model's (docs/results.md, Table 3).
/// </summary>
public static class UnigramBaseline
{
    /// <summary>
    /// Perplexity of the unigram model fitted on <paramref name="train"/> (token ids below <paramref name="vocabulary"/>)
    /// on <paramref name="tokens"/>: exp of the mean negative log-probability.
    /// </summary>
    /// <exception cref="ArgumentException">An empty split or a token id outside the vocabulary.</exception>
    public static double Perplexity(Tensor train, Tensor tokens, int vocabulary)
    {
        if (train.numel() == 0 || tokens.numel() == 0) throw new ArgumentException("Both splits need at least one token.");
        using var scope = NewDisposeScope();
        long highest = Math.Max(train.max().item<long>(), tokens.max().item<long>());
        long lowest = Math.Min(train.min().item<long>(), tokens.min().item<long>());
        if (highest >= vocabulary || lowest < 0)
            throw new ArgumentException($"Token ids must lie in [0, {vocabulary}); found {(lowest < 0 ? lowest : highest)}.");
        var counts = train.cpu().bincount(null, vocabulary).to(ScalarType.Float64);
        var logP = (counts + 1).log() - Math.Log(train.numel() + (double)vocabulary);
        return Math.Exp(-logP.index(tokens.cpu()).mean().item<double>());
    }
}
