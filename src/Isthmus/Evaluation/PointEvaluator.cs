using Isthmus.Data;
using Isthmus.Nn;

namespace Isthmus.Evaluation;

/// <summary>Train and test metrics of one evaluated point, with the one definition of train loss (NLL + ½·wd·‖w‖²).</summary>
public sealed record PointMetrics(double TrainLoss, Metrics Train, Metrics Test);

/// <summary>
/// Scores the network at its space's current point the way every evaluator in Isthmus does: batch-norm statistics
/// recomputed for this point (docs/science.md §1, A.2), then one eval-mode pass over the training split (no augmentation)
/// and one over the evaluation split. For a plain network without batch norm this equals <c>isthmus evaluate</c>,
/// which is why t = 0 of a curve reproduces its start endpoint.
/// </summary>
public sealed class PointEvaluator(IBatchSource trainForEvaluation, IBatchSource eval, double weightDecay, int? batchNormBatches = null)
{
    /// <summary>
    /// The most points a grid evaluator stacks into one pass over the data when the network can (<see cref="CanStack"/>);
    /// <see cref="PointsPerPassFor"/> takes fewer where their memory would pass <see cref="StackMemoryBytes"/>. An MLP's
    /// first layer then runs once per control point instead of once per point (Layers.Linear), so more points per pass
    /// save more: for the MNIST MLP and a 1-bend Bezier curve, 16 per pass measured 1.49–1.57× one at a time and 32 per
    /// pass 1.58–1.72×. 1 evaluates one point at a time.
    /// </summary>
    public const int DefaultPointsPerPass = 32;

    /// <summary>Default of <see cref="StackMemoryBytes"/>: 256 MiB (docs/performance.md, stacked evaluation).</summary>
    public const long DefaultStackMemoryBytes = 256L << 20;

    /// <summary>
    /// The memory the stacked points of one pass may take beyond one point's evaluation: their weights, and their
    /// activations over one batch of the recalibration pass (which cannot be split without changing batch-norm
    /// statistics) or of an evaluation chunk. <c>--stack-memory</c> sets it.
    /// </summary>
    public long StackMemoryBytes { get; init; } = ProcessStackMemoryBytes;

    /// <summary>The <see cref="StackMemoryBytes"/> evaluators start with; a process sets it once (<c>--stack-memory</c>).</summary>
    public static long ProcessStackMemoryBytes { get; set; } = DefaultStackMemoryBytes;

    /// <summary>
    /// Whether networks with convolutions stack points too. Their stacked pass gives the same numbers, but on the 2 CPU
    /// cores it was measured on it ran at 0.52–1.36× the speed of one point at a time (docs/performance.md), so by default
    /// they go one point at a time, as before stacking covered them; <c>--stack-memory</c> turns it on.
    /// </summary>
    public bool StacksConvolutions { get; init; } = ProcessStacksConvolutions;

    /// <summary>The <see cref="StacksConvolutions"/> evaluators start with (the command line sets it with --stack-memory).</summary>
    public static bool ProcessStacksConvolutions { get; set; }

    /// <summary>
    /// Points per pass for <paramref name="net"/>: as many as fit <see cref="StackMemoryBytes"/>, at most
    /// <see cref="PointsPerPass"/>. A point costs its weights (4·N bytes) and its activations over one batch of the
    /// training split: <see cref="EvaluationBatch.ActivationsPerStage"/> × the widest stage output for a network of
    /// stages, three layers of its widest for one without (an MLP's).
    /// </summary>
    public int PointsPerPassFor(Network net)
    {
        long widest;
        long examples;
        using (var scope = NewDisposeScope())
        {
            trainForEvaluation.BeginEpoch(0);
            var (x, _) = trainForEvaluation.Batch(0);
            examples = x.shape[0];
            long staged = trainForEvaluation.IsSequence ? 0 : net.WidestActivation(x);
            widest = staged > 0 ? EvaluationBatch.ActivationsPerStage * staged
                : 3 * net.Layout.Specs.Where(s => s.Shape.Length == 1).Select(s => s.Numel).DefaultIfEmpty(0).Max();
        }
        long perPoint = 4 * (net.Layout.TotalElements + examples * widest);
        return (int)Math.Clamp(StackMemoryBytes / Math.Max(1, perPoint), 1, PointsPerPass);
    }

    /// <summary>The evaluation split this evaluator scores (for callers that align per-example outputs with it).</summary>
    public IBatchSource Eval => eval;

    /// <summary>
    /// REPAIR (Jordan et al. 2022), attached to the network evaluated: recomputed for every point after batch norm, and
    /// points are then scored one at a time. Null: no correction besides batch norm's.
    /// </summary>
    public Repair? Repair { get; init; }

    /// <summary>
    /// The control points' batch-norm statistics, interpolated at each point instead of recomputed for it (Jordan et
    /// al. 2022's uncorrected baseline); points are then scored one at a time. Null: recomputed, as always.
    /// </summary>
    public InterpolatedStatistics? Interpolated { get; init; }

    /// <summary>
    /// Which correction of hidden-unit statistics the points of <paramref name="net"/> get: "repair", "batch-norm
    /// recomputed", "none", or for batch-norm networks evaluated with <see cref="Interpolated"/> statistics
    /// "none (running statistics interpolated)".
    /// </summary>
    public string CorrectionOf(Network net) => Repair is not null ? "repair"
        : !net.HasBatchNorm ? "none"
        : Interpolated is not null ? "none (running statistics interpolated)" : "batch-norm recomputed";

    /// <summary>Batch-norm statistics (recomputed, or interpolated), then REPAIR's correction, for the current point.</summary>
    private void Recalibrate(Network net, CancellationToken ct)
    {
        if (Interpolated is not null) Interpolated.Apply(net);
        else BatchNormCalibration.Recompute(net, trainForEvaluation, batchNormBatches, ct);
        Repair?.Recompute(trainForEvaluation, batchNormBatches, ct);
    }

    /// <summary>See <see cref="DefaultPointsPerPass"/>.</summary>
    public int PointsPerPass { get; init; } = DefaultPointsPerPass;

    /// <summary>
    /// True if <see cref="EvaluateStacked"/> applies to <paramref name="net"/>: its architecture evaluates stacked points
    /// (batch norm included: each point's statistics are recomputed in the same pass) and its space has several control
    /// points.
    /// </summary>
    public bool CanStack(Network net) =>
        Repair is null && Interpolated is null && PointsPerPass > 1 && net.EvaluatesStackedPoints && net.Space.ControlPointCount > 1
        && (StacksConvolutions || !net.Layout.Specs.Any(s => s.Shape.Length == 4));

    /// <param name="net">The network, scored at its space's current point.</param>
    /// <param name="ct">Cancels between batches.</param>
    /// <param name="observeEval">Optional: sees each evaluation-split batch's (index, logits, targets); see <see cref="Evaluator.Evaluate"/>.</param>
    public PointMetrics Evaluate(Network net, CancellationToken ct = default, Action<int, Tensor, Tensor>? observeEval = null)
    {
        Recalibrate(net, ct);
        var train = Evaluator.Evaluate(net, trainForEvaluation, ct);
        var test = Evaluator.Evaluate(net, eval, ct, observeEval);
        double norm;
        using (var sq = net.Space.SquaredNorm()) norm = sq.item<float>();
        Platform.NativeMemory.Trim(); // grids evaluate hundreds of points: keep the process flat
        return new PointMetrics(Metrics.Loss(train.Nll, weightDecay, norm), train, test);
    }

    /// <summary>
    /// Scores the points stacked in the network's space (<see cref="Space.WeightSpace.MoveToStack"/>) with one pass over
    /// each split for all of them (<see cref="CanStack"/> must hold). Each point's metrics equal those
    /// <see cref="Evaluate"/> gives for it alone, up to rounding (an MLP's first layer is combined from per-control
    /// products; convolutions are grouped), batch-norm statistics included.
    /// </summary>
    /// <param name="observeEval">Optional: sees (stacked point q, batch index, the point's logits, targets) on the evaluation split.</param>
    public PointMetrics[] EvaluateStacked(Network net, CancellationToken ct = default, Action<int, int, Tensor, Tensor>? observeEval = null)
    {
        if (!CanStack(net)) throw new InvalidOperationException($"{net.Spec} cannot be evaluated with stacked points here.");
        using var heapOnly = Platform.NativeMemory.LargeBlocksInHeap(); // stacked activations are large and alike every batch
        BatchNormCalibration.Recompute(net, trainForEvaluation, batchNormBatches, ct);
        var train = Evaluator.EvaluateStacked(net, trainForEvaluation, ct);
        var test = Evaluator.EvaluateStacked(net, eval, ct, observeEval);
        var result = new PointMetrics[train.Length];
        for (int q = 0; q < result.Length; q++)
        {
            double norm;
            using (var sq = net.Space.StackedSquaredNorm(q)) norm = sq.item<float>();
            result[q] = new PointMetrics(Metrics.Loss(train[q].Nll, weightDecay, norm), train[q], test[q]);
        }
        Platform.NativeMemory.Trim();
        return result;
    }

    /// <summary>
    /// Only the part of <see cref="Evaluate"/> that <paramref name="observeEval"/> sees: batch norm recomputed, then the
    /// evaluation split, without scoring. For outputs of a point that another process scores (e.g. a curve's start
    /// in a shard that does not own it).
    /// </summary>
    public void ObserveEval(Network net, Action<int, Tensor, Tensor> observeEval, CancellationToken ct = default)
    {
        Recalibrate(net, ct);
        Evaluator.Evaluate(net, eval, ct, observeEval);
    }
}
