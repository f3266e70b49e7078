using System.Text.Json.Nodes;
using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Nn;
using Isthmus.Reporting;
using Isthmus.Space;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Experiments;

/// <summary>Settings of <c>isthmus eval-curve</c>: exactly one of <see cref="Run"/>, <see cref="Segment"/>, <see cref="TrivialFrom"/>.</summary>
public sealed record EvalCurveSettings
{
    /// <summary>A finished <c>connect</c> folder.</summary>
    public string? Run { get; init; }
    /// <summary>Two finished <c>train</c> folders: evaluate the straight segment between them.</summary>
    public IReadOnlyList<string>? Segment { get; init; }
    /// <summary>A finished <c>train</c> folder of a ReLU net without BN: evaluate its trivial curve (A.8).</summary>
    public string? TrivialFrom { get; init; }
    /// <summary>Output folder; null = the curve run itself (only with <see cref="Run"/>).</summary>
    public string? Out { get; init; }
    public int Points { get; init; } = 61;
    /// <summary>Batches for batch-norm recomputation; null = the whole training split.</summary>
    public int? BatchNormBatches { get; init; }
    /// <summary>With <see cref="Run"/>: also evaluate the segment between the curve's endpoints into segment.json.</summary>
    public bool WithSegment { get; init; }
    public bool Force { get; init; }
    public string? DataRoot { get; init; }
    public int? Threads { get; init; }
    public string Device { get; init; } = "auto";
    public IReadOnlyList<string> CommandLine { get; init; } = [];
}

public sealed record EvalCurveOutcome(string Folder, string Family, CurveEvaluation Curve, CurveEvaluation? Segment, JsonObject Result);

/// <summary>
/// <c>isthmus eval-curve</c>: evaluates a curve (or a segment, or a trivial curve) on a uniform t grid with batch norm
/// recomputed per point, and writes <c>curve.json</c>, <c>curve.csv</c> and <c>curve.png</c> (SCIENCE §2, Table 2).
/// Results written into an existing curve run are derived data: a re-evaluation replaces them, each file atomically,
/// the JSON last.
/// </summary>
public static class EvalCurveRecipe
{
    public const string CurveJson = "curve.json", CurveCsv = "curve.csv", CurvePng = "curve.png";
    public const string SegmentJson = "segment.json", SegmentCsv = "segment.csv";

    public static EvalCurveOutcome Run(EvalCurveSettings s, IProgress<GridProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        int modes = (s.Run is null ? 0 : 1) + (s.Segment is null ? 0 : 1) + (s.TrivialFrom is null ? 0 : 1);
        if (modes != 1) throw new IsthmusException("eval-curve needs exactly one of --run DIR, --segment RUN_A RUN_B, or --curve trivial --from RUN.");
        if (s.Points < 2) throw new IsthmusException($"--points must be at least 2 (got {s.Points}).");
        if (s.BatchNormBatches is < 1) throw new IsthmusException($"--bn-batches must be 'all' or a positive number (got {s.BatchNormBatches}).");
        if (s.WithSegment && s.Run is null) throw new IsthmusException("--with-segment goes with --run (a curve run); --segment already evaluates a segment.");
        var ts = PathStatistics.UniformGrid(s.Points);
        return s.Run is not null ? Curve(s, ts, progress, log, ct) : s.Segment is not null ? SegmentOf(s, ts, progress, ct) : Trivial(s, ts, progress, ct);
    }

    private static EvalCurveOutcome Curve(EvalCurveSettings s, double[] ts, IProgress<GridProgress>? progress, Action<string>? log, CancellationToken ct)
    {
        var curve = CurveRun.Open(s.Run!);
        var sources = curve.Run.Manifest["space"]?["control_points"] as JsonArray;
        string? Source(int k) => sources is not null && k < sources.Count ? sources[k]?["source"]?.GetValue<string>() : null;
        var folder = Folder(s, curve.Run, "curve", curve.Family.Name, curve.Architecture, curve.Data, [s.Run!]);
        using var session = Session.Open(curve.Data, s.DataRoot, curve.Val, s.Threads, s.Device);
        using var net = curve.Load(session);
        using var space = net.Space;
        var evaluator = Evaluator(session, curve.WeightDecay, s.BatchNormBatches);
        var result = CurveEvaluator.Evaluate(net, curve.Family, ts, evaluator, progress, ct);
        CurveEvaluation? segment = null;
        if (s.WithSegment)
        {
            log?.Invoke("Evaluating the segment between the same endpoints...");
            using var line = WeightSpace.CreateEmpty(net.Layout, 2, space.Device);
            for (int p = 0; p < net.Layout.Count; p++)
            {
                line.SetControl(0, p, space.Control(0, p));
                line.SetControl(1, p, space.Control(curve.Family.ControlPoints - 1, p));
            }
            net.Bind(line);
            segment = CurveEvaluator.Evaluate(net, new Segment(), ts, evaluator, progress, ct);
            net.Bind(space);
        }
        return Write(folder, s, curve.Family.Name, curve.Family.Bends, result, segment, Source(0), Source(curve.Family.ControlPoints - 1), curve.Architecture, session);
    }

    private static EvalCurveOutcome SegmentOf(EvalCurveSettings s, double[] ts, IProgress<GridProgress>? progress, CancellationToken ct)
    {
        if (s.Segment!.Count != 2) throw new IsthmusException($"--segment takes two train runs (got {s.Segment.Count}).");
        var runs = s.Segment.Select(TrainedRun.Open).ToList();
        TrainedRun.CheckCompatible(runs);
        var folder = Folder(s, null, "segment", "segment", runs[0].Architecture, runs[0].Data, s.Segment);
        using var session = Session.Open(runs[0].Data, s.DataRoot, runs[0].Val, s.Threads, s.Device);
        using var net = session.Build(runs[0].Architecture, controlPoints: 2, seed: 0);
        using var space = net.Space;
        for (int k = 0; k < 2; k++) Checkpoint.Load(runs[k].ModelPath, net, k);
        var result = CurveEvaluator.Evaluate(net, new Segment(), ts, Evaluator(session, runs[0].WeightDecay, s.BatchNormBatches), progress, ct);
        return Write(folder, s, "segment", 0, result, null, runs[0].Run.Path, runs[1].Run.Path, runs[0].Architecture, session);
    }

    private static EvalCurveOutcome Trivial(EvalCurveSettings s, double[] ts, IProgress<GridProgress>? progress, CancellationToken ct)
    {
        var run = TrainedRun.Open(s.TrivialFrom!);
        if (run.Architecture.Name is not ("mlp" or "lenet5" or "convfc" or "vgg16") || run.Architecture.Flag("bn"))
            throw new IsthmusException($"The trivial curve (A.8) needs a ReLU network without batch norm (mlp, lenet5, convfc or vgg16 without --bn); {s.TrivialFrom} holds {run.Architecture}.");
        var folder = Folder(s, null, "trivial-curve", "trivial", run.Architecture, run.Data, [s.TrivialFrom!]);
        using var session = Session.Open(run.Data, s.DataRoot, run.Val, s.Threads, s.Device);
        using var net = ModelZoo.Build(run.Architecture, session.Shape);
        var rule = TrivialCurve.For(net.Layout);
        using var space = WeightSpace.CreateEmpty(net.Layout, rule.ControlPoints, session.Device);
        net.Bind(space);
        Checkpoint.Load(run.ModelPath, net, controlPoint: 0);
        rule.Arrange(space);
        var result = CurveEvaluator.Evaluate(net, rule.Coefficients, ts, Evaluator(session, run.WeightDecay, s.BatchNormBatches), progress, ct);
        return Write(folder, s, "trivial", null, result, null, null, run.Run.Path, run.Architecture, session);
    }

    private static PointEvaluator Evaluator(Session session, double wd, int? bnBatches) =>
        new(BatchSources.TrainingForEvaluation(session.Data), BatchSources.Evaluation(session.Data), wd, bnBatches);

    /// <summary>The folder results go to: the curve run itself, or a new eval-curve run folder described by its manifest.</summary>
    private static RunDirectory Folder(EvalCurveSettings s, RunDirectory? curveRun, string kind, string family, ArchitectureSpec spec, string data, IReadOnlyList<string> sources)
    {
        if (s.Out is null)
            return curveRun ?? throw new IsthmusException("--segment and --curve trivial need --out DIR (a new folder for the results).");
        if (curveRun is not null && Path.GetFullPath(s.Out) == curveRun.Path) return curveRun;
        var run = RunDirectory.Create(s.Out, "eval-curve", s.Force, resume: false);
        run.Manifest["arguments"] = new JsonArray(s.CommandLine.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        run.Manifest["architecture"] = Manifests.Architecture(spec);
        run.Manifest["data"] = new JsonObject { ["name"] = data };
        run.Manifest["space"] = new JsonObject
        {
            ["kind"] = kind,
            ["family"] = family,
            ["sources"] = new JsonArray(sources.Select(p => (JsonNode)JsonValue.Create(Path.GetFullPath(p))!).ToArray()),
        };
        run.Manifest["settings"] = new JsonObject { ["points"] = s.Points, ["bn_batches"] = s.BatchNormBatches?.ToString() ?? "all" };
        run.SaveManifest();
        return run;
    }

    private static EvalCurveOutcome Write(RunDirectory folder, EvalCurveSettings s, string family, int? bends, CurveEvaluation curve, CurveEvaluation? segment,
        string? startRun, string? endRun, ArchitectureSpec spec, Session session)
    {
        var json = CurveResults.ToJson(curve, family, bends);
        json["bn_batches"] = s.BatchNormBatches is { } b ? b : "all";
        json["endpoints"] = new JsonObject
        {
            ["start"] = Endpoint(startRun, CurveResults.PointJson(curve, 0)),
            ["end"] = Endpoint(endRun, CurveResults.PointJson(curve, curve.Points.Count - 1)),
        };
        json["architecture"] = Manifests.Architecture(spec);
        json["data"] = Manifests.Data(session.Data);
        json["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        CurveResults.WriteCsv(folder.File(CurveCsv), curve);
        var series = new List<CurveSeries> { new(family, curve.T, curve.Points.Select(p => p.Metrics.TrainLoss).ToArray(), curve.Points.Select(p => p.Metrics.Test.Error).ToArray(), Dashed: false) };
        var segmentFile = folder.File(SegmentJson);
        if (segment is not null)
        {
            var sj = CurveResults.ToJson(segment, "segment", 0);
            sj["evaluated_utc"] = DateTime.UtcNow.ToString("O");
            CurveResults.WriteCsv(folder.File(SegmentCsv), segment);
            Json.Write(segmentFile, sj);
        }
        var segmentSeries = segment is not null ? FromCurve(segment) : family != "segment" && File.Exists(segmentFile) ? FromJson(segmentFile) : null;
        if (segmentSeries is not null) series.Add(segmentSeries);
        CurvePlot.Save(folder.File(CurvePng), $"{spec} on {session.Data.Name}, {family}", series);
        Json.Write(folder.File(CurveJson), json);
        if (folder.Manifest["command"]?.GetValue<string>() == "eval-curve") folder.Complete();
        return new EvalCurveOutcome(folder.Path, family, curve, segment, json);
    }

    private static JsonObject Endpoint(string? run, JsonObject evaluated) => new()
    {
        ["run"] = run is null ? null : Path.GetFullPath(run),
        ["recorded"] = TrainedRun.FinalOf(run),
        ["evaluated"] = evaluated,
    };

    private static CurveSeries FromCurve(CurveEvaluation c) =>
        new("segment", c.T, c.Points.Select(p => p.Metrics.TrainLoss).ToArray(), c.Points.Select(p => p.Metrics.Test.Error).ToArray(), Dashed: true);

    private static CurveSeries? FromJson(string path)
    {
        var o = Json.ReadObject(path);
        double[]? Read(string key) => (o[key] as JsonArray)?.Select(v => v?.GetValue<double>() ?? double.NaN).ToArray();
        var t = Read("t");
        var loss = Read("train_loss");
        var error = Read("test_error");
        return t is null || loss is null || error is null ? null : new CurveSeries("segment", t, loss, error, Dashed: true);
    }
}
