using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Nn;
using Isthmus.Runs.Sharding;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>Settings of <c>isthmus plane</c>: a curve run (<see cref="Run"/>) or three train runs (<see cref="Points"/>).</summary>
public sealed record PlaneSettings : InvocationSettings
{
    public string? Run { get; init; }
    public IReadOnlyList<string>? Points { get; init; }
    /// <summary>Grid points per axis (the reference: 21).</summary>
    public int Grid { get; init; } = 21;
    /// <summary>Margin beyond the projected points, as a fraction of their extent (the reference: 0.2).</summary>
    public double Margin { get; init; } = 0.2;
    /// <summary>With <see cref="Run"/>: the three control points (0 = start … n+1 = end); default start, middle bend, end.</summary>
    public IReadOnlyList<int>? BendsUsed { get; init; }
    /// <summary>t values at which the curve is projected onto the plane.</summary>
    public int CurvePoints { get; init; } = 61;
    /// <summary>Batches for batch-norm recomputation; null = the whole training split.</summary>
    public int? BatchNormBatches { get; init; } = BatchNormCalibration.DefaultGridBatches;
    /// <summary>Output folder; null = the curve run itself (only with <see cref="Run"/>). With a shard: the shard's own folder.</summary>
    public string? Out { get; init; }
    /// <summary>Evaluate only this shard's grid points into <see cref="Out"/>; <c>isthmus merge</c> combines the shards.</summary>
    public Shard Shard { get; init; } = Shard.All;
    /// <summary>Continue an interrupted grid from its saved progress (<see cref="PlaneRecipe.ProgressFile"/>).</summary>
    public bool Resume { get; init; }
}

/// <summary>What plane wrote; a shard has no <see cref="Surface"/>, only its <see cref="Cells"/>.</summary>
public sealed record PlaneOutcome(string Folder, PlaneSurface? Surface, double UNorm, double VNorm, IReadOnlyList<PlaneMarker> Markers,
    Shard Shard, IReadOnlyList<GridPoint> Cells) : IHasFigures
{
    public IReadOnlyList<Figure> Figures { get; init; } = [];
}

/// <summary>
/// <c>isthmus plane</c> (docs/science.md §3, Fig. 1): the plane through three weight vectors, train loss and test error on a
/// grid over it (batch norm recomputed per point), <c>plane.json</c> and two contour pictures. With a shard it
/// evaluates that shard's grid points only and writes its part (<see cref="ShardPart"/>); <see cref="Merge"/> writes
/// the files above from all parts.
/// </summary>
public static class PlaneRecipe
{
    public const string Command = "plane";
    public const string PlaneJson = "plane.json", LossPng = "plane_train_loss.png", ErrorPng = "plane_test_error.png";

    public static PlaneOutcome Run(PlaneSettings s, IProgress<GridProgress>? progress = null, CancellationToken ct = default)
    {
        if ((s.Run is null) == (s.Points is null)) throw new IsthmusException("plane needs exactly one of --run CURVE_DIR or --points RUN_A RUN_B RUN_C.");
        if (s.Grid < 2) throw new IsthmusException($"--grid must be at least 2 (got {s.Grid}).");
        if (s.Margin < 0 || !double.IsFinite(s.Margin)) throw new IsthmusException($"--margin must be a non-negative number (got {s.Margin}).");
        if (s.BendsUsed is not null && s.Run is null) throw new IsthmusException("--bends-used picks control points of a curve; it goes with --run.");
        ShardPart.CheckSize(s.Shard, s.Grid * s.Grid, "grid points");

        ArchitectureSpec spec;
        string data;
        int val, subset;
        double wd;
        RunDirectory? curveRun = null;
        CurveRun? curve = null;
        List<TrainedRun>? runs = null;
        if (s.Run is not null)
        {
            curve = CurveRun.Open(s.Run);
            (spec, data, val, subset, wd, curveRun) = (curve.Architecture, curve.Data, curve.Kind.Val, curve.Kind.Subset, curve.WeightDecay, curve.Run);
        }
        else
        {
            if (s.Points!.Count != 3) throw new IsthmusException($"--points takes three train runs (got {s.Points.Count}).");
            runs = TrainedRun.OpenAll(s.Points, "put on one plane", "--points").ToList();
            (spec, data, val, subset, wd) = (runs[0].Architecture, runs[0].Data, runs[0].Val, runs[0].Subset, runs[0].WeightDecay);
        }
        var chosen = curve is null ? [0, 1, 2] : Choose(curve, s.BendsUsed);
        var sections = Sections(s, spec, data);
        var sources = s.Points ?? [s.Run!];
        var folder = s.Shard.IsAll
            ? ResultFolder.Open(Command, s.Out, s.Force, curveRun?.Path, sections, "--points needs --out DIR (a new folder for the plane).", s.Resume)
            : ShardPart.CreateFolder(s.Out, Command, s.Shard, s.Force, sources, s.CommandLine);

        using var session = Session.Open(data, s.DataRoot, val, s.Threads, s.Device, subset);
        Network net;
        if (curve is not null) net = session.Load(curve);
        else
        {
            net = session.Build(spec, controlPoints: 3, seed: 0);
            for (int k = 0; k < 3; k++) Checkpoint.Load(runs![k].ModelPath, net, k);
        }
        using var _net = net;
        var source = net.Space;
        int count = source.ControlPointCount;
        double[] Unit(int k) { var e = new double[count]; e[k] = 1; return e; }

        Plane plane;
        List<PlaneMarker> markers;
        List<(double X, double Y)>? projectedCurve = null;
        using (source)
        {
            plane = Plane.Through(source, Unit(chosen[0]), Unit(chosen[1]), Unit(chosen[2]));
            markers = Enumerable.Range(0, count).Select(k =>
            {
                var (x, y) = plane.Project(Unit(k));
                return new PlaneMarker(Label(k, count, curve is not null, runs), x, y);
            }).ToList();
            if (curve is not null)
                projectedCurve = PathStatistics.UniformGrid(Math.Max(2, s.CurvePoints)).Select(t => plane.Project(curve.Family.Coefficients(t))).ToList();
        }
        using var _plane = plane;
        net.Bind(plane.Space);
        var (xs, ys) = Plane.Grid(markers.Select(m => (m.X, m.Y)), s.Grid, s.Margin);
        var evaluator = new PointEvaluator(BatchSources.TrainingForEvaluation(session.Data), BatchSources.Evaluation(session.Data), wd, s.BatchNormBatches);
        var progressFile = folder.File(ProgressFile);
        // What the grid is (weights by hash, data, settings): a shard's identity for merging, and with the shard
        // the identity of saved progress for --resume.
        string[] files = curve is not null ? [curve.Run.File(CurveRun.CurveFile)] : runs!.Select(r => r.ModelPath).ToArray();
        var job = ShardPart.JobOf(files, RunManifest.ToJson(spec).AsObject(), RunManifest.ToJson(DataSection.Of(session.Data)).AsObject(), new JsonObject
        {
            ["plane_points"] = new JsonArray(chosen.Select(k => (JsonNode)k).ToArray()),
            ["grid"] = s.Grid, ["margin"] = s.Margin, ["bn_batches"] = s.BatchNormBatches?.ToString() ?? "all",
        });
        var key = (JsonObject)job.DeepClone();
        key["shard"] = s.Shard.ToString();
        var done = s.Resume ? SavedProgress(progressFile, key) : null;
        var cells = PlaneSurface.EvaluateCells(net, plane, xs, ys, evaluator, s.Shard, progress, ct, done,
            points => Json.Write(progressFile, new JsonObject { ["job"] = key.DeepClone(), ["points"] = new JsonArray(points.Select(p => (JsonNode)ShardPart.ToJson(p)).ToArray()) }));
        var context = new PlaneContext
        {
            Title = $"{spec} on {session.Data.Name}", CurveName = curve is null ? "curve" : $"{curve.Family.Name} curve", Family = curve?.Family.Name,
            X = xs, Y = ys, Markers = markers, CurveX = projectedCurve?.Select(c => c.X).ToArray(), CurveY = projectedCurve?.Select(c => c.Y).ToArray(),
            PlanePoints = chosen, Grid = s.Grid, Margin = s.Margin, UNorm = plane.UNorm, VNorm = plane.VNorm,
            Architecture = RunManifest.ToJson(spec).AsObject(), Data = RunManifest.ToJson(DataSection.Of(session.Data)).AsObject(), BatchNormRecomputed = net.HasBatchNorm,
            InPlace = curveRun?.Path, Sections = sections,
        };
        if (s.Shard.IsAll)
        {
            var (surface, figures) = Write(folder, context, cells);
            File.Delete(progressFile);
            return new PlaneOutcome(folder.Path, surface, plane.UNorm, plane.VNorm, markers, s.Shard, cells) { Figures = figures };
        }

        new ShardPart
        {
            Folder = folder.Path, Command = Command, Shard = s.Shard, Points = xs.Length * ys.Length, Job = job, Context = ShardPart.ToJson(context),
            Results = cells.Select(c => new JsonObject { ["index"] = c.Index, ["point"] = ShardPart.ToJson(c) }).ToArray(),
        }.Write(folder);
        File.Delete(progressFile);
        return new PlaneOutcome(folder.Path, null, plane.UNorm, plane.VNorm, markers, s.Shard, cells);
    }

    /// <summary>Writes plane.json from every shard's grid points; the two pictures are the outcome's figures.</summary>
    internal static MergeOutcome Merge(MergedGrid grid, MergeSettings s)
    {
        var context = ShardPart.FromJson<PlaneContext>(grid.Context);
        var folder = ShardMerge.ResultFolder(grid, s, context,
            "These shards evaluated a plane through three train runs, which has no run of its own to write into; pass --out DIR.");
        var (_, figures) = Write(folder, context, grid.Results.Select(r => ShardPart.FromJson<GridPoint>(r["point"])).ToArray());
        return new MergeOutcome(Command, folder.Path, grid.Folders.Count, grid.Results.Count, [PlaneJson, LossPng, ErrorPng]) { Figures = figures };
    }

    /// <summary>The grid points evaluated so far, saved every few seconds while a grid runs and deleted when it is done.</summary>
    public const string ProgressFile = "plane.progress.json";

    /// <summary>The saved points of an interrupted grid, if it was the same job (same weights, data and settings).</summary>
    private static IReadOnlyList<GridPoint>? SavedProgress(string path, JsonObject key)
    {
        if (!File.Exists(path)) return null;
        var saved = Json.ReadObject(path);
        if (saved["job"]?.ToJsonString() != key.ToJsonString())
            throw new IsthmusException($"{path} holds progress of a different grid (other weights, data or settings); rerun without --resume (with --force) to start this one afresh.");
        return (saved["points"] as JsonArray ?? []).Select(p => ShardPart.FromJson<GridPoint>(p)).ToList();
    }

    private static (PlaneSurface, Figure[]) Write(RunDirectory folder, PlaneContext c, IReadOnlyList<GridPoint> cells)
    {
        var surface = PlaneSurface.From(c.X, c.Y, cells, c.BatchNormRecomputed);
        var curve = c.CurveX is null ? null : c.CurveX.Zip(c.CurveY!).ToList();
        Figure[] figures =
        [
            new PlaneFigure(folder.File(LossPng), $"{c.Title}: train loss", "train loss", c.X, c.Y, surface.TrainLoss, c.Markers, curve, c.CurveName),
            new PlaneFigure(folder.File(ErrorPng), $"{c.Title}: test error", "test error (%)", c.X, c.Y, surface.TestError, c.Markers, curve, c.CurveName),
        ];
        var json = ToJson(surface, c);
        json["architecture"] = c.Architecture.DeepClone();
        json["data"] = c.Data.DeepClone();
        json["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        Json.Write(folder.File(PlaneJson), json);
        if (folder.Manifest.Command == Command) folder.Complete();
        return (surface, figures);
    }

    /// <summary>Start, the bend closest to the middle of the curve, end — or the user's three control points.</summary>
    private static int[] Choose(CurveRun curve, IReadOnlyList<int>? used)
    {
        int last = curve.Family.ControlPoints - 1;
        if (used is not null)
        {
            if (used.Count != 3 || used.Distinct().Count() != 3 || used.Any(k => k < 0 || k > last))
                throw new IsthmusException($"--bends-used needs three different control points between 0 (start) and {last} (end), e.g. 0,1,{last}.");
            return used.ToArray();
        }
        if (curve.Family.Bends == 0)
            throw new IsthmusException($"{curve.Run.Path} is a segment: it has no bend to span a plane with; use --points RUN_A RUN_B RUN_C.");
        int middle = Enumerable.Range(1, curve.Family.Bends).MinBy(k => Math.Abs(curve.Family.BendTime(k) - 0.5));
        return [0, middle, last];
    }

    private static string Label(int k, int count, bool isCurve, List<TrainedRun>? runs)
    {
        if (!isCurve) return $"w{k + 1} ({Path.GetFileName(runs![k].Run.Path)})";
        return k == 0 ? "start" : k == count - 1 ? "end" : count == 3 ? "bend" : $"bend {k}";
    }

    /// <summary>The manifest sections of a new plane folder.</summary>
    private static JsonObject Sections(PlaneSettings s, ArchitectureSpec spec, string data) =>
        RunManifest.Sections(s.CommandLine, spec, new DataSection { Name = data },
            new SpaceSection { Kind = "plane", Sources = (s.Points ?? [s.Run!]).Select(Path.GetFullPath).ToList() },
            new JsonObject { ["grid"] = s.Grid, ["margin"] = s.Margin, ["bn_batches"] = s.BatchNormBatches?.ToString() ?? "all" });

    private static JsonObject ToJson(PlaneSurface surface, PlaneContext c)
    {
        JsonArray Grid(double[,] v) => new(Enumerable.Range(0, v.GetLength(0))
            .Select(j => (JsonNode)CurveResults.Array(Enumerable.Range(0, v.GetLength(1)).Select(i => v[j, i]))).ToArray());
        var o = new JsonObject
        {
            ["grid"] = c.Grid,
            ["margin"] = c.Margin,
            ["layout"] = "arrays are [row j][column i] = the point (x[i], y[j])",
            ["x"] = CurveResults.Array(surface.X),
            ["y"] = CurveResults.Array(surface.Y),
            ["u_norm"] = Json.Number(c.UNorm),
            ["v_norm"] = Json.Number(c.VNorm),
            ["plane_points"] = new JsonArray(c.PlanePoints.Select(k => (JsonNode)JsonValue.Create(k)!).ToArray()),
            ["control_points"] = new JsonArray(c.Markers.Select(m => (JsonNode)new JsonObject { ["name"] = m.Label, ["x"] = Json.Number(m.X), ["y"] = Json.Number(m.Y) }).ToArray()),
            ["train_loss"] = Grid(surface.TrainLoss),
            ["test_error"] = Grid(surface.TestError),
            ["train_nll"] = Grid(surface.TrainNll),
            ["train_error"] = Grid(surface.TrainError),
            ["test_nll"] = Grid(surface.TestNll),
            ["bn_recomputed"] = surface.BatchNormRecomputed,
            ["seconds_per_point"] = Json.Number(surface.SecondsPerPoint),
        };
        if (c.CurveX is not null)
            o["curve"] = new JsonObject
            {
                ["family"] = c.Family,
                ["x"] = CurveResults.Array(c.CurveX),
                ["y"] = CurveResults.Array(c.CurveY!),
            };
        return o;
    }
}

/// <summary>Everything plane's result files say besides the measured grid points: a shard keeps it, so the merge writes the same files.</summary>
internal sealed record PlaneContext : IShardContext
{
    public required string Title { get; init; }
    public required string CurveName { get; init; }
    public string? Family { get; init; }
    public required double[] X { get; init; }
    public required double[] Y { get; init; }
    public required IReadOnlyList<PlaneMarker> Markers { get; init; }
    /// <summary>The curve projected onto the plane (curve runs only).</summary>
    public double[]? CurveX { get; init; }
    public double[]? CurveY { get; init; }
    public required int[] PlanePoints { get; init; }
    public required int Grid { get; init; }
    public required double Margin { get; init; }
    public required double UNorm { get; init; }
    public required double VNorm { get; init; }
    public required JsonObject Architecture { get; init; }
    public required JsonObject Data { get; init; }
    public required bool BatchNormRecomputed { get; init; }
    /// <summary>The curve run, where results go without --out.</summary>
    public string? InPlace { get; init; }
    /// <summary>The manifest sections of a new results folder.</summary>
    public required JsonObject Sections { get; init; }
}
