namespace Isthmus.Evaluation;

/// <summary>
/// What one network scores on one split: mean NLL (cross-entropy), error in percent, and the example count.
/// For language models the error is next-token error and <see cref="Perplexity"/> = exp(NLL).
/// </summary>
public sealed record Metrics(double Nll, double Error, long Count)
{
    public double Perplexity => Math.Exp(Nll);

    /// <summary>Training loss with the L2 term — the ONE definition used everywhere: NLL + ½·wd·‖w‖² (docs/science.md §1).</summary>
    public static double Loss(double nll, double weightDecay, double squaredNorm) => nll + 0.5 * weightDecay * squaredNorm;
}
