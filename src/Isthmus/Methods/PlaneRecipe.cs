using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Nn;
using Isthmus.Runs.Sharding;
using Isthmus.Runs;

namespace Isthmus.Methods;

/// <summary>Settings of <c>isthmus plane</c>: a curve run (<see cref="Run"/>) or three train runs (<see cref="Points"/>).</summary>
public sealed record PlaneSettings : InvocationSettings
{
    public string? Run { get; init; }
    public IReadOnlyList<string>? Points { get; init; }
    /// <summary>The network in checkpoint files given without a run manifest (.safetensors or PyTorch .pt); with <see cref="Data"/>.</summary>
    public Nn.ArchitectureSpec? Model { get; init; }
    /// <summary>The data set of checkpoint files given without a run manifest; with <see cref="Model"/>.</summary>
    public string? Data { get; init; }
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
    Shard Shard, IReadOnlyList<GridPoint> Cells) : OutcomeWithFigures;

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

    /// <summary>The grid points evaluated so far, saved every few seconds while a grid runs and deleted when it is done.</summary>
    public const string ProgressFile = "plane.progress.json";

    public static PlaneOutcome Run(PlaneSettings s, IProgress<GridProgress>? progress = null, CancellationToken ct = default)
    {
        Check(s);
        var source = PlaneSource.Of(s);          // three control points of a curve, or three train runs
        using var session = Session.Open(source.Network.Data, s.DataRoot, source.Network.Val, s.Threads, s.Device, source.Network.Subset);
        using var net = source.Load(session);
        using var plane = Span(source, net, out var markers, out var projectedCurve);
        var output = source.Output();            // claimed once every checkpoint is read: one that does not fit leaves no folder
        net.Bind(plane.Space);
        var (xs, ys) = Plane.Grid(markers.Select(m => (m.X, m.Y)), s.Grid, s.Margin);

        // What the grid is (weights by hash, data, settings): a shard's identity for merging, and with the shard the
        // identity of saved progress for --resume.
        var job = ShardPart.JobOf(source.Files, RunManifest.ToJson(net.Spec).AsObject(), RunManifest.ToJson(DataSection.Of(session.Data)).AsObject(), new JsonObject
        {
            ["plane_points"] = new JsonArray(source.Chosen.Select(k => (JsonNode)k).ToArray()),
            ["grid"] = s.Grid, ["margin"] = s.Margin, ["bn_batches"] = s.BatchNormBatches?.ToString() ?? "all",
        });
        var saved = new GridProgressFile(output.Folder.File(ProgressFile), job, s.Shard);
        // Fig. 1: train loss and test error at every grid point (this shard's share), batch norm recomputed per point.
        var cells = PlaneSurface.EvaluateCells(net, plane, xs, ys, session.Evaluator(source.WeightDecay, s.BatchNormBatches), s.Shard,
            progress, ct, s.Resume ? saved.Read() : null, saved.Save);

        var context = new PlaneContext
        {
            Title = $"{net.Spec.Caption} on {session.Data.Name}", CurveName = source.Curve is null ? "curve" : $"{source.Curve.Family.Name} curve",
            Family = source.Curve?.Family.Name, X = xs, Y = ys, Markers = markers,
            CurveX = projectedCurve?.Select(c => c.X).ToArray(), CurveY = projectedCurve?.Select(c => c.Y).ToArray(),
            PlanePoints = source.Chosen, Grid = s.Grid, Margin = s.Margin, UNorm = plane.UNorm, VNorm = plane.VNorm,
            Architecture = (JsonObject)job["architecture"]!.DeepClone(), Data = (JsonObject)job["data"]!.DeepClone(),
            BatchNormRecomputed = net.HasBatchNorm, InPlace = source.Curve?.Run.Path, Sections = source.Sections,
        };
        var outcome = new PlaneOutcome(output.Folder.Path, null, plane.UNorm, plane.VNorm, markers, s.Shard, cells);
        if (output.IsWhole)
        {
            var (surface, figures) = PlaneResultFiles.Write(output.Folder, context, cells);
            outcome = outcome with { Surface = surface, Figures = figures };
        }
        else output.WritePart(job, context, cells.Select(c => new JsonObject { ["index"] = c.Index, ["point"] = ShardPart.ToJson(c) }));
        saved.Delete();
        return outcome;
    }

    /// <summary>Writes plane.json from every shard's grid points; the two pictures are the outcome's figures.</summary>
    internal static MergeOutcome Merge(MergedGrid grid, MergeSettings s) => PlaneResultFiles.Merge(grid, s);

    /// <summary>
    /// The plane through the three chosen control points (an orthonormal basis of their span, docs/science.md §3), with
    /// every control point and, for a curve, the curve projected onto it. The network's own space is released: the
    /// grid needs only the plane's.
    /// </summary>
    private static Plane Span(PlaneSource source, Network net, out List<PlaneMarker> markers, out List<(double X, double Y)>? projectedCurve)
    {
        using var space = net.Space;
        int count = space.ControlPointCount;
        double[] Unit(int k) { var e = new double[count]; e[k] = 1; return e; }
        var plane = Plane.Through(space, Unit(source.Chosen[0]), Unit(source.Chosen[1]), Unit(source.Chosen[2]));
        markers = Enumerable.Range(0, count).Select(k =>
        {
            var (x, y) = plane.Project(Unit(k));
            return new PlaneMarker(source.Label(k, count), x, y);
        }).ToList();
        projectedCurve = source.Curve is not { } curve ? null
            : PathStatistics.UniformGrid(Math.Max(2, source.Settings.CurvePoints)).Select(t => plane.Project(curve.Family.Coefficients(t))).ToList();
        return plane;
    }

    private static void Check(PlaneSettings s)
    {
        if ((s.Run is null) == (s.Points is null)) throw new IsthmusException("plane needs exactly one of --run CURVE_DIR or --points RUN_A RUN_B RUN_C.");
        if (s.Grid < 2) throw new IsthmusException($"--grid must be at least 2 (got {s.Grid}).");
        if (s.Margin < 0 || !double.IsFinite(s.Margin)) throw new IsthmusException($"--margin must be a non-negative number (got {s.Margin}).");
        if (s.BendsUsed is not null && s.Run is null) throw new IsthmusException("--bends-used picks control points of a curve; it goes with --run.");
    }
}
