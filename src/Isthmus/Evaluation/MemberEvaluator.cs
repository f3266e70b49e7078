using Isthmus.Data;
using Isthmus.Nn;

namespace Isthmus.Evaluation;

/// <summary>
/// One ensemble member scored on the evaluation split: error and NLL of its own logits, and — with temperature
/// scaling — its fitted T and the NLL after dividing its logits by T.
/// </summary>
public sealed record MemberScore(double Error, double Nll, double? Temperature = null, double? ScaledNll = null);

/// <summary>
/// Scores the network at its current point as an ensemble member: batch norm recomputed for this point (docs/science.md §4
/// choice), then, when a held-out split is given, one pass over it to fit the temperature (Guo et al. 2017), then ONE
/// pass over the evaluation split that yields both the member's metrics and its log-probabilities for the ensemble —
/// so no member is evaluated twice.
/// </summary>
/// <param name="trainForBatchNorm">The member's training data in order, without augmentation.</param>
/// <param name="eval">The split the ensemble is scored on.</param>
/// <param name="heldOut">Held-out data for temperature scaling; null = no scaling.</param>
/// <param name="batchNormBatches">Batches for the batch-norm pass; null = all.</param>
public sealed class MemberEvaluator(IBatchSource trainForBatchNorm, IBatchSource eval, IBatchSource? heldOut = null, int? batchNormBatches = null)
{
    public bool ScalesTemperature => heldOut is not null;

    /// <returns>The member's score and its evaluation-split log-probabilities [N, C] in float64 (temperature applied),
    /// outside any dispose scope: the caller disposes them.</returns>
    public (MemberScore Score, Tensor LogProbabilities) Evaluate(Network net, CancellationToken ct = default)
    {
        if (eval.IsSequence) throw new IsthmusException("Ensembles are built for classifiers; a language model's token stream is not supported.");
        BatchNormCalibration.Recompute(net, trainForBatchNorm, batchNormBatches, ct);
        double? temperature = heldOut is null ? null : FitTemperature(net, heldOut, ct);
        double t = temperature ?? 1.0;
        var parts = new List<Tensor>();
        double scaledNllSum = 0;
        try
        {
            var metrics = Evaluator.Evaluate(net, eval, ct, (_, logits, y) =>
            {
                var lp = logits.to_type(ScalarType.Float64).div(t).log_softmax(1);
                if (temperature is not null) scaledNllSum -= lp.gather(1, y.unsqueeze(1)).sum().item<double>();
                parts.Add(lp.DetachFromDisposeScope());
            });
            var logProbabilities = cat(parts, 0).DetachFromDisposeScope();
            Platform.NativeMemory.Trim();
            double? scaledNll = temperature is null ? null : scaledNllSum / metrics.Count;
            return (new MemberScore(metrics.Error, metrics.Nll, temperature, scaledNll), logProbabilities);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    private static double FitTemperature(Network net, IBatchSource heldOut, CancellationToken ct)
    {
        using var scope = NewDisposeScope();
        var logits = new List<Tensor>();
        var labels = new List<Tensor>();
        Evaluator.Evaluate(net, heldOut, ct, (_, z, y) =>
        {
            logits.Add(z.MoveToOuterDisposeScope());
            labels.Add(y.MoveToOuterDisposeScope());
        });
        return TemperatureScaling.Fit(cat(logits, 0), cat(labels, 0));
    }
}
