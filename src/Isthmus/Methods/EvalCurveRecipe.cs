using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Nn;
using Isthmus.Runs.Sharding;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>Settings of <c>isthmus eval-curve</c>: exactly one of <see cref="Run"/>, <see cref="Segment"/>, <see cref="TrivialFrom"/>.</summary>
public sealed record EvalCurveSettings : InvocationSettings
{
    /// <summary>A finished <c>connect</c> folder.</summary>
    public string? Run { get; init; }
    /// <summary>Two finished <c>train</c> folders: evaluate the straight segment between them.</summary>
    public IReadOnlyList<string>? Segment { get; init; }
    /// <summary>A finished <c>train</c> folder of a ReLU net without BN: evaluate its trivial curve (A.8).</summary>
    public string? TrivialFrom { get; init; }
    /// <summary>The network in checkpoint files given without a run manifest (.safetensors or PyTorch .pt); with <see cref="Data"/>.</summary>
    public Nn.ArchitectureSpec? Model { get; init; }
    /// <summary>The data set of checkpoint files given without a run manifest; with <see cref="Model"/>.</summary>
    public string? Data { get; init; }
    /// <summary>Output folder; null = the curve run itself (only with <see cref="Run"/>). With a shard: the shard's own folder.</summary>
    public string? Out { get; init; }
    public int Points { get; init; } = 61;
    /// <summary>Batches for batch-norm recomputation; null = the whole training split.</summary>
    public int? BatchNormBatches { get; init; }
    /// <summary>With <see cref="Run"/>: also evaluate the segment between the curve's endpoints into segment.json.</summary>
    public bool WithSegment { get; init; }
    /// <summary>With <see cref="Segment"/>: REPAIR every point (Jordan et al. 2022); batch-norm networks get their statistics recomputed instead, as always.</summary>
    public bool Repair { get; init; }
    /// <summary>
    /// With <see cref="Segment"/>: no correction at all; a batch-norm network's points get the endpoints' running
    /// statistics interpolated instead of recomputed (Jordan et al. 2022's baseline).
    /// </summary>
    public bool NoCorrection { get; init; }
    /// <summary>Evaluate only this shard's points into <see cref="Out"/>; <c>isthmus merge</c> combines the shards.</summary>
    public Shard Shard { get; init; } = Shard.All;
}

/// <summary>What eval-curve wrote. For a shard, <see cref="Curve"/> holds only its own points and <see cref="Result"/> describes the part.</summary>
public sealed record EvalCurveOutcome(string Folder, string Family, CurveEvaluation Curve, CurveEvaluation? Segment, JsonObject Result, Shard Shard) : OutcomeWithFigures;

/// <summary>
/// <c>isthmus eval-curve</c>: evaluates a curve (or a segment, or a trivial curve) on a uniform t grid with batch norm
/// recomputed per point, writes <c>curve.json</c> and <c>curve.csv</c>, and describes <c>curve.png</c> in its outcome's figures (docs/science.md §2, Table 2).
/// Results written into an existing curve run are derived data: a re-evaluation replaces them, each file atomically,
/// the JSON last. With a shard it evaluates that shard's points only and writes its part (<see cref="ShardPart"/>);
/// <see cref="Merge"/> writes the files above from all parts.
/// </summary>
public static class EvalCurveRecipe
{
    public const string Command = "eval-curve";
    public const string CurveJson = "curve.json", CurveCsv = "curve.csv", CurvePng = "curve.png";
    public const string SegmentJson = "segment.json", SegmentCsv = "segment.csv";

    public static EvalCurveOutcome Run(EvalCurveSettings s, IProgress<GridProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        Check(s);
        var ts = PathStatistics.UniformGrid(s.Points);
        var target = CurveTarget.Of(s);          // a trained curve, a segment, or a trivial curve, read from its run folders
        using var session = Session.Open(target.Network.Data, s.DataRoot, target.Network.Val, s.Threads, s.Device, target.Network.Subset);
        using var loaded = target.Load(session);
        var output = target.Output();            // claimed once the weights are read: a checkpoint that does not fit leaves no folder
        using var repair = s.Repair ? RepairFor(loaded.Net, session, s.BatchNormBatches, log, ct) : null;
        using var interpolated = s.NoCorrection && loaded.Net.HasBatchNorm ? InterpolatedStatistics.Load(loaded.Net, target.Files) : null;
        var evaluator = session.Evaluator(target.WeightDecay, s.BatchNormBatches, repair, interpolated);

        // Table 2: train loss and test error at each t of the grid (this shard's share), batch norm recomputed per point.
        CurveEvaluation Evaluate(Network net, Func<double, double[]> phi) => CurveEvaluator.Evaluate(net, phi, ts, evaluator, progress, ct, s.Shard);
        var curve = Evaluate(loaded.Net, loaded.Coefficients);
        CurveEvaluation? segment = null;
        if (s.WithSegment)
        {
            log?.Invoke("Evaluating the segment between the same endpoints...");
            segment = loaded.EvaluateSegment(Evaluate);
        }

        var context = CurveResultFiles.Context(target, loaded.Net, session, curve, segment);
        return output.IsWhole
            ? CurveResultFiles.Write(output.Folder, context, curve, segment)
            : CurveResultFiles.WritePart(output, target, context, curve, segment);
    }

    /// <summary>
    /// REPAIR attached to the segment's network (endpoint statistics measured now), or null for a batch-norm network,
    /// whose statistics are recomputed at every point anyway: that reset is REPAIR's correction for such networks
    /// (Jordan et al. 2022, §4), and rescaling the units before a batch norm would be undone by it.
    /// </summary>
    internal static Repair? RepairFor(Network net, Session session, int? batchNormBatches, Action<string>? log, CancellationToken ct)
    {
        if (net.HasBatchNorm)
        {
            log?.Invoke("The network has batch norm, whose statistics are recomputed at every point: that is the correction REPAIR makes for such networks, so nothing more is applied.");
            return null;
        }
        log?.Invoke("REPAIR: measuring the endpoints' hidden-unit statistics...");
        return Repair.Attach(net, Data.BatchSources.TrainingForEvaluation(session.Data), batchNormBatches, ct);
    }

    /// <summary>Writes curve.json and curve.csv (and the segment's files) from every shard's points.</summary>
    internal static MergeOutcome Merge(MergedGrid grid, MergeSettings s) => CurveResultFiles.Merge(grid, s);

    private static void Check(EvalCurveSettings s)
    {
        int modes = (s.Run is null ? 0 : 1) + (s.Segment is null ? 0 : 1) + (s.TrivialFrom is null ? 0 : 1);
        if (modes != 1) throw new IsthmusException("eval-curve needs exactly one of --run DIR, --segment RUN_A RUN_B, or --curve trivial --from RUN.");
        if (s.Points < 2) throw new IsthmusException($"--points must be at least 2 (got {s.Points}).");
        if (s.BatchNormBatches is < 1) throw new IsthmusException($"--bn-batches must be 'all' or a positive number (got {s.BatchNormBatches}).");
        if (s.Repair && s.Segment is null) throw new IsthmusException("--repair goes with --segment RUN_A RUN_B: REPAIR interpolates the statistics of a segment's two endpoints.");
        if (s.NoCorrection && (s.Segment is null || s.Repair))
            throw new IsthmusException("--no-correction goes with --segment RUN_A RUN_B and without --repair: it interpolates the endpoints' batch-norm statistics instead of correcting them.");
        if (s.WithSegment && s.Run is null) throw new IsthmusException("--with-segment goes with --run (a curve run); --segment already evaluates a segment.");
    }
}
