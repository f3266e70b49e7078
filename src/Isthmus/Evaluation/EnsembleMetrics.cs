namespace Isthmus.Evaluation;

/// <summary>
/// How well one set of predicted class probabilities [N, C] fits labels [N] (docs/science.md §6): error (%), NLL, expected
/// calibration error (%, 15 equal-width confidence bins, Guo et al. 2017) and Brier score (mean over examples of
/// Σ_c (p_c − y_c)²).
/// </summary>
public sealed record EnsembleScore(double Error, double Nll, double Ece, double Brier);

/// <summary>
/// The metrics of docs/science.md §6 as pure functions of probability tensors and labels. Every function takes
/// <em>log</em>-probabilities where the NLL needs them, so that an ensemble's mean probability that underflowed to 0
/// in float32 still has a finite NLL (the accumulator keeps log Σ_k p_k).
/// </summary>
public static class EnsembleMetrics
{
    /// <summary>Equal-width confidence bins of the ECE (Guo et al. 2017; docs/science.md §6).</summary>
    public const int EceBins = 15;

    /// <summary>All four metrics of log-probabilities [N, C] against labels int64 [N].</summary>
    public static EnsembleScore Score(Tensor logProbabilities, Tensor labels, int bins = EceBins)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var p = logProbabilities.to_type(ScalarType.Float64).exp();
        return new EnsembleScore(Error(p, labels), Nll(logProbabilities, labels), Ece(p, labels, bins), Brier(p, labels));
    }

    /// <summary>Percentage of examples whose most probable class is not the label.</summary>
    public static double Error(Tensor probabilities, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return 100.0 * probabilities.argmax(1).ne(labels).sum().item<long>() / labels.shape[0];
    }

    /// <summary>Mean of −log p_y over examples, from log-probabilities.</summary>
    public static double Nll(Tensor logProbabilities, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return -logProbabilities.to_type(ScalarType.Float64).gather(1, labels.unsqueeze(1)).mean().item<double>();
    }

    /// <summary>
    /// Expected calibration error in percent: Σ_b (|B_b|/N)·|accuracy(B_b) − mean confidence(B_b)| over bins
    /// (b/15, (b+1)/15] of the top-1 confidence, as Guo et al.'s reference code bins them.
    /// </summary>
    public static double Ece(Tensor probabilities, Tensor labels, int bins = EceBins)
    {
        using var scope = NewDisposeScope();
        var (confidence, predicted) = probabilities.to_type(ScalarType.Float64).max(1);
        var correct = predicted.eq(labels).to_type(ScalarType.Float64);
        double n = labels.shape[0], ece = 0;
        for (int b = 0; b < bins; b++)
        {
            double lower = (double)b / bins, upper = (double)(b + 1) / bins;
            var inBin = confidence.gt(lower).logical_and(confidence.le(upper));
            long count = inBin.sum().item<long>();
            if (count == 0) continue;
            var gap = correct.masked_select(inBin).mean() - confidence.masked_select(inBin).mean();
            ece += count / n * Math.Abs(gap.item<double>());
        }
        return 100.0 * ece;
    }

    /// <summary>Brier score: mean over examples of Σ_c (p_c − 1[c = y])².</summary>
    public static double Brier(Tensor probabilities, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var p = probabilities.to_type(ScalarType.Float64);
        var target = nn.functional.one_hot(labels, p.shape[1]).to_type(ScalarType.Float64);
        return (p - target).square().sum(1).mean().item<double>();
    }

    /// <summary>Fraction of examples on which two top-1 label vectors (int64 [N]) differ.</summary>
    public static double Disagreement(Tensor top1A, Tensor top1B)
    {
        using var scope = NewDisposeScope();
        return top1A.ne(top1B).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>Mean over all pairs of members of <see cref="Disagreement(Tensor, Tensor)"/>; 0 for fewer than two members.</summary>
    public static double MeanPairwiseDisagreement(IReadOnlyList<Tensor> top1)
    {
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < top1.Count; i++)
            for (int j = i + 1; j < top1.Count; j++, pairs++)
                sum += Disagreement(top1[i], top1[j]);
        return pairs == 0 ? 0 : sum / pairs;
    }
}
