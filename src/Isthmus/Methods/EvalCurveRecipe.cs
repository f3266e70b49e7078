using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Nn;
using Isthmus.Runs.Sharding;
using Isthmus.Runs;
using Isthmus.Space;
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
    /// <summary>Output folder; null = the curve run itself (only with <see cref="Run"/>). With a shard: the shard's own folder.</summary>
    public string? Out { get; init; }
    public int Points { get; init; } = 61;
    /// <summary>Batches for batch-norm recomputation; null = the whole training split.</summary>
    public int? BatchNormBatches { get; init; }
    /// <summary>With <see cref="Run"/>: also evaluate the segment between the curve's endpoints into segment.json.</summary>
    public bool WithSegment { get; init; }
    /// <summary>Evaluate only this shard's points into <see cref="Out"/>; <c>isthmus merge</c> combines the shards.</summary>
    public Shard Shard { get; init; } = Shard.All;
}

/// <summary>What eval-curve wrote. For a shard, <see cref="Curve"/> holds only its own points and <see cref="Result"/> describes the part.</summary>
public sealed record EvalCurveOutcome(string Folder, string Family, CurveEvaluation Curve, CurveEvaluation? Segment, JsonObject Result, Shard Shard) : IHasFigures
{
    public IReadOnlyList<Figure> Figures { get; init; } = [];
}

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
        int modes = (s.Run is null ? 0 : 1) + (s.Segment is null ? 0 : 1) + (s.TrivialFrom is null ? 0 : 1);
        if (modes != 1) throw new IsthmusException("eval-curve needs exactly one of --run DIR, --segment RUN_A RUN_B, or --curve trivial --from RUN.");
        if (s.Points < 2) throw new IsthmusException($"--points must be at least 2 (got {s.Points}).");
        if (s.BatchNormBatches is < 1) throw new IsthmusException($"--bn-batches must be 'all' or a positive number (got {s.BatchNormBatches}).");
        if (s.WithSegment && s.Run is null) throw new IsthmusException("--with-segment goes with --run (a curve run); --segment already evaluates a segment.");
        ShardPart.CheckSize(s.Shard, s.Points, "points");
        var ts = PathStatistics.UniformGrid(s.Points);
        return s.Run is not null ? Curve(s, ts, progress, log, ct) : s.Segment is not null ? SegmentOf(s, ts, progress, ct) : Trivial(s, ts, progress, ct);
    }

    private static EvalCurveOutcome Curve(EvalCurveSettings s, double[] ts, IProgress<GridProgress>? progress, Action<string>? log, CancellationToken ct)
    {
        var curve = CurveRun.Open(s.Run!);
        var target = new Target(s, "curve", curve.Family.Name, curve.Family.Bends, curve.Source(0), curve.Source(curve.Family.ControlPoints - 1),
            curve.Architecture, curve.Data, curve.WeightDecay, curve.Run.Path, [curve.Run.File(CurveRun.CurveFile)], [s.Run!]);
        var folder = Folder(target);
        using var session = Session.Open(curve.Data, s.DataRoot, curve.Kind.Val, s.Threads, s.Device, curve.Kind.Subset);
        using var net = session.Load(curve);
        using var space = net.Space;
        return Evaluate(target, folder, net, session, curve.Family.Coefficients, ts, progress, ct, segment: !s.WithSegment ? null : () =>
        {
            log?.Invoke("Evaluating the segment between the same endpoints...");
            return space.SegmentBetween(0, curve.Family.ControlPoints - 1);
        });
    }

    private static EvalCurveOutcome SegmentOf(EvalCurveSettings s, double[] ts, IProgress<GridProgress>? progress, CancellationToken ct)
    {
        if (s.Segment!.Count != 2) throw new IsthmusException($"--segment takes two train runs (got {s.Segment.Count}).");
        var runs = TrainedRun.OpenAll(s.Segment, "evaluate the segment between", "--segment");
        var target = new Target(s, "segment", "segment", 0, runs[0].Run.Path, runs[1].Run.Path, runs[0].Architecture, runs[0].Data, runs[0].WeightDecay,
            null, runs.Select(r => r.ModelPath).ToArray(), s.Segment);
        var folder = Folder(target);
        using var session = Session.Open(runs[0].Data, s.DataRoot, runs[0].Val, s.Threads, s.Device, runs[0].Subset);
        using var net = session.Build(runs[0].Architecture, controlPoints: 2, seed: 0);
        using var space = net.Space;
        for (int k = 0; k < 2; k++) Checkpoint.Load(runs[k].ModelPath, net, k);
        return Evaluate(target, folder, net, session, new Segment().Coefficients, ts, progress, ct);
    }

    private static EvalCurveOutcome Trivial(EvalCurveSettings s, double[] ts, IProgress<GridProgress>? progress, CancellationToken ct)
    {
        var run = TrainedRun.Open(s.TrivialFrom!);
        if (run.Architecture.Name is not ("mlp" or "lenet5" or "convfc" or "vgg16") || run.Architecture.Flag("bn"))
            throw new IsthmusException($"The trivial curve (A.8) needs a ReLU network without batch norm (mlp, lenet5, convfc or vgg16 without --bn); {s.TrivialFrom} holds {run.Architecture}.");
        var target = new Target(s, "trivial-curve", "trivial", null, null, run.Run.Path, run.Architecture, run.Data, run.WeightDecay, null, [run.ModelPath], [s.TrivialFrom!]);
        var folder = Folder(target);
        using var session = Session.Open(run.Data, s.DataRoot, run.Kind.Val, s.Threads, s.Device, run.Kind.Subset);
        using var net = ModelZoo.Build(run.Architecture, session.Shape);
        var rule = TrivialCurve.For(net.Layout);
        using var space = WeightSpace.CreateEmpty(net.Layout, rule.ControlPoints, session.Device);
        net.Bind(space);
        Checkpoint.Load(run.ModelPath, net, controlPoint: 0);
        rule.Arrange(space);
        return Evaluate(target, folder, net, session, rule.Coefficients, ts, progress, ct);
    }

    /// <summary>What one eval-curve evaluates, however it was given.</summary>
    /// <param name="Kind">The manifest's space kind of a new results folder.</param>
    /// <param name="InPlace">The curve run, where results go without --out; null for segments and trivial curves.</param>
    /// <param name="Files">The weights evaluated, hashed into the shard job.</param>
    /// <param name="Sources">The runs named on the command line.</param>
    private sealed record Target(EvalCurveSettings Settings, string Kind, string Family, int? Bends, string? StartRun, string? EndRun,
        ArchitectureSpec Spec, string Data, double WeightDecay, string? InPlace, IReadOnlyList<string> Files, IReadOnlyList<string> Sources)
    {
        /// <summary>The manifest sections of a new eval-curve folder.</summary>
        public JsonObject Sections => RunManifest.Sections(Settings.CommandLine, Spec, new DataSection { Name = Data },
            new SpaceSection { Kind = Kind, Family = Family, Sources = Sources.Select(Path.GetFullPath).ToList() },
            new JsonObject { ["points"] = Settings.Points, ["bn_batches"] = Settings.BatchNormBatches?.ToString() ?? "all" });
    }

    /// <summary>The folder results go to (opened before any data is loaded, so a refused --out costs nothing): see <see cref="ResultFolder"/>; a shard's own folder.</summary>
    private static RunDirectory Folder(Target t) => t.Settings.Shard.IsAll
        ? ResultFolder.Open(Command, t.Settings.Out, t.Settings.Force, t.InPlace, t.Sections, "--segment and --curve trivial need --out DIR (a new folder for the results).")
        : ShardPart.CreateFolder(t.Settings.Out, Command, t.Settings.Shard, t.Settings.Force, t.Sources, t.Settings.CommandLine);

    /// <summary>
    /// Evaluates the curve (and, with <paramref name="segment"/>, the segment between its endpoints, in a space that
    /// function builds) on the settings' shard of the grid, then writes the results or the shard's part.
    /// </summary>
    private static EvalCurveOutcome Evaluate(Target target, RunDirectory folder, Network net, Session session, Func<double, double[]> coefficients, double[] ts,
        IProgress<GridProgress>? progress, CancellationToken ct, Func<WeightSpace>? segment = null)
    {
        var s = target.Settings;
        var evaluator = new PointEvaluator(BatchSources.TrainingForEvaluation(session.Data), BatchSources.Evaluation(session.Data), target.WeightDecay, s.BatchNormBatches);
        var result = CurveEvaluator.Evaluate(net, coefficients, ts, evaluator, progress, ct, s.Shard);
        CurveEvaluation? line = null;
        if (segment is not null)
        {
            var curveSpace = net.Space;
            using var lineSpace = segment();
            net.Bind(lineSpace);
            line = CurveEvaluator.Evaluate(net, new Segment().Coefficients, ts, evaluator, progress, ct, s.Shard);
            net.Bind(curveSpace);
        }
        var context = new CurveContext
        {
            Family = target.Family, Bends = target.Bends, StartRun = target.StartRun, EndRun = target.EndRun,
            Architecture = RunManifest.ToJson(net.Spec).AsObject(), Data = RunManifest.ToJson(DataSection.Of(session.Data)).AsObject(),
            Title = $"{net.Spec} on {session.Data.Name}, {target.Family}", BatchNormBatches = s.BatchNormBatches,
            Curve = CurveFrame.Of(result), Segment = line is null ? null : CurveFrame.Of(line), InPlace = target.InPlace, Sections = target.Sections,
        };
        if (s.Shard.IsAll) return Write(folder, context, result, line);

        var job = ShardPart.JobOf(target.Files, context.Architecture, context.Data, new JsonObject
        {
            ["kind"] = target.Kind, ["points"] = s.Points, ["bn_batches"] = s.BatchNormBatches?.ToString() ?? "all", ["with_segment"] = line is not null,
        });
        var results = result.Points.Select((p, i) =>
        {
            var o = new JsonObject { ["index"] = p.Index, ["curve"] = ShardPart.ToJson(p) };
            if (line is not null) o["segment"] = ShardPart.ToJson(line.Points[i]);
            return o;
        }).ToArray();
        new ShardPart
        {
            Folder = folder.Path, Command = Command, Shard = s.Shard, Points = ts.Length, Job = job,
            Context = ShardPart.ToJson(context), Results = results,
        }.Write(folder);
        var summary = new JsonObject
        {
            ["folder"] = folder.Path, ["shard"] = s.Shard.ToString(), ["points"] = result.Points.Count, ["of"] = ts.Length,
            ["seconds_per_point"] = Json.Number(result.SecondsPerPoint),
        };
        return new EvalCurveOutcome(folder.Path, target.Family, result, line, summary, s.Shard);
    }

    /// <summary>Writes curve.json and curve.csv (and the segment's files) from every shard's points; curve.png is the outcome's figure.</summary>
    internal static MergeOutcome Merge(MergedGrid grid, MergeSettings s)
    {
        var context = ShardPart.FromJson<CurveContext>(grid.Context);
        var folder = ShardMerge.ResultFolder(grid, s, context,
            "These shards evaluated a segment or a trivial curve, which has no run of its own to write into; pass --out DIR.");
        CurveEvaluation Series(CurveFrame frame, string key) =>
            frame.With(grid.Results.Select(r => ShardPart.FromJson<CurvePoint>(r[key])).ToArray());
        var curve = Series(context.Curve, "curve");
        var segment = context.Segment is null ? null : Series(context.Segment, "segment");
        var written = Write(folder, context, curve, segment);
        var files = new List<string> { CurveJson, CurveCsv, CurvePng };
        if (segment is not null) files.AddRange([SegmentJson, SegmentCsv]);
        return new MergeOutcome(Command, folder.Path, grid.Folders.Count, grid.Results.Count, files) { Figures = written.Figures };
    }

    private static EvalCurveOutcome Write(RunDirectory folder, CurveContext c, CurveEvaluation curve, CurveEvaluation? segment)
    {
        var json = CurveResults.ToJson(curve, c.Family, c.Bends);
        json["bn_batches"] = c.BatchNormBatches is { } b ? b : "all";
        json["endpoints"] = new JsonObject
        {
            ["start"] = Endpoint(c.StartRun, CurveResults.PointJson(curve, 0)),
            ["end"] = Endpoint(c.EndRun, CurveResults.PointJson(curve, curve.Points.Count - 1)),
        };
        json["architecture"] = c.Architecture.DeepClone();
        json["data"] = c.Data.DeepClone();
        json["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        CurveResults.WriteCsv(folder.File(CurveCsv), curve);
        var series = new List<CurveSeries> { new(c.Family, curve.T, curve.Points.Select(p => p.Metrics.TrainLoss).ToArray(), curve.Points.Select(p => p.Metrics.Test.Error).ToArray(), Dashed: false) };
        var segmentFile = folder.File(SegmentJson);
        if (segment is not null)
        {
            var sj = CurveResults.ToJson(segment, "segment", 0);
            sj["evaluated_utc"] = DateTime.UtcNow.ToString("O");
            CurveResults.WriteCsv(folder.File(SegmentCsv), segment);
            Json.Write(segmentFile, sj);
        }
        var segmentSeries = segment is not null ? FromCurve(segment) : c.Family != "segment" && File.Exists(segmentFile) ? FromJson(segmentFile) : null;
        if (segmentSeries is not null) series.Add(segmentSeries);
        Json.Write(folder.File(CurveJson), json);
        if (folder.Manifest.Command == Command) folder.Complete();
        return new EvalCurveOutcome(folder.Path, c.Family, curve, segment, json, Shard.All) { Figures = [new CurveFigure(folder.File(CurvePng), c.Title, series)] };
    }

    private static JsonObject Endpoint(string? run, JsonObject evaluated) => new()
    {
        ["run"] = run is null ? null : Path.GetFullPath(run),
        ["recorded"] = TrainedRun.FinalOf(run) is { } final ? JsonSerializer.SerializeToNode(final, Json.Options) : null,
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

/// <summary>Everything eval-curve's result files say besides the measured points: a shard keeps it, so the merge writes the same files.</summary>
internal sealed record CurveContext : IShardContext
{
    public required string Family { get; init; }
    public int? Bends { get; init; }
    public string? StartRun { get; init; }
    public string? EndRun { get; init; }
    public required JsonObject Architecture { get; init; }
    public required JsonObject Data { get; init; }
    public required string Title { get; init; }
    public int? BatchNormBatches { get; init; }
    public required CurveFrame Curve { get; init; }
    public CurveFrame? Segment { get; init; }
    /// <summary>The curve run, where results go without --out.</summary>
    public string? InPlace { get; init; }
    /// <summary>The manifest sections of a new results folder.</summary>
    public required JsonObject Sections { get; init; }
}

/// <summary>An evaluated curve without its points: the whole grid's lengths and how it was scored.</summary>
internal sealed record CurveFrame(double[] Steps, double EndpointDistance, bool BatchNormRecomputed, bool Sequence)
{
    public static CurveFrame Of(CurveEvaluation c) => new(c.Steps.ToArray(), c.EndpointDistance, c.BatchNormRecomputed, c.Sequence);

    public CurveEvaluation With(IReadOnlyList<CurvePoint> points) => new()
    {
        Points = points, Steps = Steps, EndpointDistance = EndpointDistance, BatchNormRecomputed = BatchNormRecomputed, Sequence = Sequence,
    };
}
