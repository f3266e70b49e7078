using Isthmus.Landscape;

namespace Isthmus.Bench;

/// <summary>Settings of <c>isthmus bench bn-batches</c>.</summary>
public sealed record BatchNormBatchesSettings
{
    /// <summary>A finished <c>connect</c> folder of a network with batch norm.</summary>
    public required string Run { get; init; }
    /// <summary>Batch counts to compare with the whole training split (batches of <see cref="BatchSources.EvalImageBatch"/>).</summary>
    public IReadOnlyList<int> Batches { get; init; } = [1, 3, 10, 30];
    /// <summary>Equally spaced t on the curve; the segment's midpoint is added, where statistics matter most.</summary>
    public int Points { get; init; } = 5;
    public string? DataRoot { get; init; }
    public int? Threads { get; init; }
    public string Device { get; init; } = "auto";
}

/// <summary>
/// How far each metric of a point moves when its batch-norm statistics come from the first N training batches
/// instead of the whole split, worst and mean over the points measured.
/// </summary>
/// <param name="Batches">N; null = the whole split (the reference).</param>
/// <param name="SecondsPerPoint">Recalibration and both evaluation passes, per point.</param>
public sealed record BatchNormBatchesRow(int? Batches, long Examples, double MaxTestError, double MeanTestError, double MaxTestNll,
    double MaxTrainLoss, double MaxTrainError, double SecondsPerPoint);

/// <summary>
/// <c>isthmus bench bn-batches</c> (docs/science.md §6): recalibrates batch norm at points of a curve and of the segment between
/// its endpoints with N batches and with the whole training split, and reports the metric error each N causes, so
/// that <c>--bn-batches</c> can be chosen by measurement. Every point is scored with each N in turn.
/// </summary>
public static class BatchNormBatches
{
    public static IReadOnlyList<BatchNormBatchesRow> Run(BatchNormBatchesSettings s, Action<string>? log = null, CancellationToken ct = default)
    {
        if (s.Batches.Count == 0 || s.Batches.Any(b => b < 1)) throw new IsthmusException("--batches takes positive batch counts, e.g. 1,3,10,30.");
        if (s.Points < 2) throw new IsthmusException($"--points must be at least 2 (got {s.Points}).");
        var curve = CurveRun.Open(s.Run);
        using var session = Session.Open(curve.Data, s.DataRoot, curve.Kind.Val, s.Threads, s.Device, log: log);
        using var net = session.Load(curve);
        using var space = net.Space;
        if (!net.HasBatchNorm) throw new IsthmusException($"{s.Run} holds {net.Spec}, which has no batch norm to recalibrate; pass a curve of a network with --bn.");
        using var segment = space.SegmentBetween(0, curve.Family.ControlPoints - 1);
        var points = PathStatistics.UniformGrid(s.Points).Select(t => (Space: space, Coefficients: curve.Family.Coefficients(t), Name: $"{curve.Family.Name} t = {t:0.##}"))
            .Append((Space: segment, Coefficients: new Segment().Coefficients(0.5), Name: "segment t = 0.5")).ToList();

        var train = BatchSources.TrainingForEvaluation(session.Data);
        var eval = BatchSources.Evaluation(session.Data);
        var counts = s.Batches.Distinct().Order().Select(b => (int?)b).Append(null).ToList();
        var scored = counts.ToDictionary(c => c?.ToString() ?? "all", _ => new List<PointMetrics>());
        var seconds = counts.ToDictionary(c => c?.ToString() ?? "all", _ => 0.0);
        foreach (var (pointSpace, coefficients, name) in points)
        {
            net.Bind(pointSpace);
            pointSpace.MoveTo(coefficients);
            foreach (var count in counts)
            {
                ct.ThrowIfCancellationRequested();
                var key = count?.ToString() ?? "all";
                var clock = Stopwatch.StartNew();
                var m = new PointEvaluator(train, eval, curve.WeightDecay, count).Evaluate(net, ct);
                seconds[key] += clock.Elapsed.TotalSeconds;
                scored[key].Add(m);
                log?.Invoke($"{name}, {key} batches: test error {m.Test.Error:F2} %, test NLL {m.Test.Nll:F4}, train loss {m.TrainLoss:F4} ({clock.Elapsed.TotalSeconds:F1} s)");
            }
        }
        net.Bind(space);

        var reference = scored["all"];
        return counts.Select(count =>
        {
            var key = count?.ToString() ?? "all";
            var m = scored[key];
            double Max(Func<PointMetrics, double> f) => m.Select((x, i) => Math.Abs(f(x) - f(reference[i]))).Max();
            return new BatchNormBatchesRow(count, Math.Min((long)(count ?? int.MaxValue) * BatchSources.EvalImageBatch, train.Examples),
                Max(x => x.Test.Error), m.Select((x, i) => Math.Abs(x.Test.Error - reference[i].Test.Error)).Average(),
                Max(x => x.Test.Nll), Max(x => x.TrainLoss), Max(x => x.Train.Error), seconds[key] / points.Count);
        }).ToList();
    }
}
