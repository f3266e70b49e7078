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
/// so no member is evaluated twice. Members that are points of one weight space (a curve's) can be scored several per
/// pass (<see cref="EvaluateStacked"/>), with the stacking rules of grids (<see cref="PointEvaluator.CanStack"/>).
/// </summary>
/// <param name="trainForBatchNorm">The member's training data in order, without augmentation.</param>
/// <param name="eval">The split the ensemble is scored on.</param>
/// <param name="heldOut">Held-out data for temperature scaling; null = no scaling.</param>
/// <param name="batchNormBatches">Batches for the batch-norm pass; null = all.</param>
public sealed class MemberEvaluator(IBatchSource trainForBatchNorm, IBatchSource eval, IBatchSource? heldOut = null, int? batchNormBatches = null)
{
    public bool ScalesTemperature => heldOut is not null;

    /// <summary>The most members per pass (<see cref="PointEvaluator.PointsPerPass"/>); 1 scores them one at a time.</summary>
    public int PointsPerPass { get; init; } = PointEvaluator.DefaultPointsPerPass;

    /// <summary>The grids' stacking rules and memory budget, applied to these splits (it scores nothing itself).</summary>
    private PointEvaluator Stacking => new(trainForBatchNorm, eval, weightDecay: 0, batchNormBatches) { PointsPerPass = PointsPerPass };

    /// <summary>How many members of <paramref name="net"/>'s space to score per pass: 1 where they cannot be stacked.</summary>
    public int PointsPerPassFor(Network net)
    {
        var stacking = Stacking;
        return stacking.CanStack(net) ? stacking.PointsPerPassFor(net) : 1;
    }

    /// <returns>The member's score and its evaluation-split log-probabilities [N, C] in float64 (temperature applied),
    /// outside any dispose scope: the caller disposes them.</returns>
    public (MemberScore Score, Tensor LogProbabilities) Evaluate(Network net, CancellationToken ct = default) =>
        Score(net, 1, (data, observe) => [Evaluator.Evaluate(net, data, ct, observe is null ? null : (b, z, y) => observe(0, b, z, y))], ct)[0];

    /// <summary>
    /// Scores the members stacked in the network's space (<see cref="Space.WeightSpace.MoveToStack"/>) with one pass over
    /// each split for all of them; each one's score and log-probabilities equal those <see cref="Evaluate"/> gives for it
    /// alone, up to rounding (<see cref="PointEvaluator.EvaluateStacked"/>).
    /// </summary>
    public (MemberScore Score, Tensor LogProbabilities)[] EvaluateStacked(Network net, CancellationToken ct = default)
    {
        if (!Stacking.CanStack(net)) throw new InvalidOperationException($"{net.Spec} cannot be evaluated with stacked points here.");
        using var heapOnly = Platform.NativeMemory.LargeBlocksInHeap(); // stacked activations are large and alike every batch
        return Score(net, net.Space.Stacked, (data, observe) => Evaluator.EvaluateStacked(net, data, ct, observe), ct);
    }

    /// <param name="points">1, or the points stacked.</param>
    /// <param name="pass">One pass over a split for every point, with an observer of (point, batch, logits, targets).</param>
    private (MemberScore, Tensor)[] Score(Network net, int points, Func<IBatchSource, Action<int, int, Tensor, Tensor>?, Metrics[]> pass, CancellationToken ct)
    {
        if (eval.IsSequence) throw new IsthmusException("Ensembles are built for classifiers; a language model's token stream is not supported.");
        BatchNormCalibration.Recompute(net, trainForBatchNorm, batchNormBatches, ct);
        double[]? temperatures = heldOut is null ? null : FitTemperatures(heldOut, points, pass);
        var parts = Enumerable.Range(0, points).Select(_ => new List<Tensor>()).ToArray();
        var scaledNllSums = new double[points];
        try
        {
            var metrics = pass(eval, (q, _, logits, y) =>
            {
                var lp = logits.to_type(ScalarType.Float64).div(temperatures?[q] ?? 1.0).log_softmax(1);
                if (temperatures is not null) scaledNllSums[q] -= lp.gather(1, y.unsqueeze(1)).sum().item<double>();
                parts[q].Add(lp.DetachFromDisposeScope());
            });
            var scored = new (MemberScore, Tensor)[points];
            for (int q = 0; q < points; q++)
            {
                double? scaledNll = temperatures is null ? null : scaledNllSums[q] / metrics[q].Count;
                scored[q] = (new MemberScore(metrics[q].Error, metrics[q].Nll, temperatures?[q], scaledNll), cat(parts[q], 0).DetachFromDisposeScope());
            }
            Platform.NativeMemory.Trim();
            return scored;
        }
        finally
        {
            foreach (var p in parts.SelectMany(x => x)) p.Dispose();
        }
    }

    private static double[] FitTemperatures(IBatchSource heldOut, int points, Func<IBatchSource, Action<int, int, Tensor, Tensor>?, Metrics[]> pass)
    {
        using var scope = NewDisposeScope();
        var logits = Enumerable.Range(0, points).Select(_ => new List<Tensor>()).ToArray();
        var labels = new List<Tensor>();
        pass(heldOut, (q, _, z, y) =>
        {
            logits[q].Add(z.MoveToOuterDisposeScope());
            if (q == 0) labels.Add(y.MoveToOuterDisposeScope());
        });
        var all = cat(labels, 0);
        return logits.Select(z => TemperatureScaling.Fit(cat(z, 0), all)).ToArray();
    }
}
