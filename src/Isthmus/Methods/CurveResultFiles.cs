using Isthmus.Evaluation;
using Isthmus.Runs;
using Isthmus.Nn;
using Isthmus.Runs.Sharding;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// eval-curve's result files: <c>curve.json</c> and <c>curve.csv</c> (and <c>segment.json</c>/<c>segment.csv</c>)
/// written from a whole grid, either evaluated at once or merged from shards, with <c>curve.png</c> described as a
/// figure. Results written into an existing curve run are derived data: a re-evaluation replaces them, each file
/// atomically, the JSON last.
/// </summary>
internal static class CurveResultFiles
{
    /// <summary>Everything the files say besides the measured points, for a curve evaluated on <paramref name="session"/>'s data.</summary>
    public static CurveContext Context(CurveTarget target, Network net, Session session, CurveEvaluation curve, CurveEvaluation? segment) => new()
    {
        Family = target.Family, Bends = target.Bends, StartRun = target.StartRun, EndRun = target.EndRun,
        Architecture = RunManifest.ToJson(net.Spec).AsObject(), Data = RunManifest.ToJson(DataSection.Of(session.Data)).AsObject(),
        Title = $"{net.Spec.Caption} on {session.Data.Name}, {target.Family}", BatchNormBatches = target.Settings.BatchNormBatches,
        Curve = CurveFrame.Of(curve), Segment = segment is null ? null : CurveFrame.Of(segment), InPlace = target.InPlace, Sections = target.Sections,
    };

    /// <summary>Writes one shard's points (and the segment's at the same t) as its part, and describes what it wrote.</summary>
    public static EvalCurveOutcome WritePart(GridOutput output, CurveTarget target, CurveContext context, CurveEvaluation curve, CurveEvaluation? segment)
    {
        var s = target.Settings;
        var job = ShardPart.JobOf(target.Files, context.Architecture, context.Data, new JsonObject
        {
            ["kind"] = target.Kind, ["points"] = s.Points, ["bn_batches"] = s.BatchNormBatches?.ToString() ?? "all", ["with_segment"] = segment is not null, ["repair"] = s.Repair,
        });
        output.WritePart(job, context, curve.Points.Select((p, i) =>
        {
            var o = new JsonObject { ["index"] = p.Index, ["curve"] = ShardPart.ToJson(p) };
            if (segment is not null) o["segment"] = ShardPart.ToJson(segment.Points[i]);
            return o;
        }));
        var summary = new JsonObject
        {
            ["folder"] = output.Folder.Path, ["shard"] = s.Shard.ToString(), ["points"] = curve.Points.Count, ["of"] = s.Points,
            ["seconds_per_point"] = Json.Number(curve.SecondsPerPoint),
        };
        return new EvalCurveOutcome(output.Folder.Path, target.Family, curve, segment, summary, s.Shard);
    }

    /// <summary>Writes curve.json and curve.csv (and the segment's files) from every shard's points; curve.png is the outcome's figure.</summary>
    public static MergeOutcome Merge(MergedGrid grid, MergeSettings s)
    {
        var context = ShardPart.FromJson<CurveContext>(grid.Context);
        var folder = ShardMerge.ResultFolder(grid, s, context,
            "These shards evaluated a segment or a trivial curve, which has no run of its own to write into; pass --out DIR.");
        CurveEvaluation Series(CurveFrame frame, string key) =>
            frame.With(grid.Results.Select(r => ShardPart.FromJson<CurvePoint>(r[key])).ToArray());
        var curve = Series(context.Curve, "curve");
        var segment = context.Segment is null ? null : Series(context.Segment, "segment");
        var written = Write(folder, context, curve, segment);
        var files = new List<string> { EvalCurveRecipe.CurveJson, EvalCurveRecipe.CurveCsv, EvalCurveRecipe.CurvePng };
        if (segment is not null) files.AddRange([EvalCurveRecipe.SegmentJson, EvalCurveRecipe.SegmentCsv]);
        return new MergeOutcome(EvalCurveRecipe.Command, folder.Path, grid.Folders.Count, grid.Results.Count, files) { Figures = written.Figures };
    }

    public static EvalCurveOutcome Write(RunDirectory folder, CurveContext c, CurveEvaluation curve, CurveEvaluation? segment)
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
        CurveResults.WriteCsv(folder.File(EvalCurveRecipe.CurveCsv), curve);
        var series = new List<CurveSeries> { new(c.Family, curve.T, curve.Points.Select(p => p.Metrics.TrainLoss).ToArray(), curve.Points.Select(p => p.Metrics.Test.Error).ToArray(), Dashed: false) };
        var segmentFile = folder.File(EvalCurveRecipe.SegmentJson);
        if (segment is not null)
        {
            var sj = CurveResults.ToJson(segment, "segment", 0);
            sj["evaluated_utc"] = DateTime.UtcNow.ToString("O");
            CurveResults.WriteCsv(folder.File(EvalCurveRecipe.SegmentCsv), segment);
            Json.Write(segmentFile, sj);
        }
        var segmentSeries = segment is not null ? FromCurve(segment) : c.Family != "segment" && File.Exists(segmentFile) ? FromJson(segmentFile) : null;
        if (segmentSeries is not null) series.Add(segmentSeries);
        Json.Write(folder.File(EvalCurveRecipe.CurveJson), json);
        if (folder.Manifest.Command == EvalCurveRecipe.Command) folder.Complete();
        return new EvalCurveOutcome(folder.Path, c.Family, curve, segment, json, Shard.All) { Figures = [new CurveFigure(folder.File(EvalCurveRecipe.CurvePng), c.Title, series)] };
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
internal sealed record CurveFrame(double[] Steps, double EndpointDistance, bool BatchNormRecomputed, bool Sequence, string Correction = "none")
{
    public static CurveFrame Of(CurveEvaluation c) => new(c.Steps.ToArray(), c.EndpointDistance, c.BatchNormRecomputed, c.Sequence, c.Correction);

    public CurveEvaluation With(IReadOnlyList<CurvePoint> points) => new()
    {
        Points = points, Steps = Steps, EndpointDistance = EndpointDistance, BatchNormRecomputed = BatchNormRecomputed, Sequence = Sequence,
        Correction = Correction,
    };
}
