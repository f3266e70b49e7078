using System.Text.Json.Nodes;
using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Nn;
using Isthmus.Reporting;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Experiments;

/// <summary>Settings of <c>isthmus plane</c>: a curve run (<see cref="Run"/>) or three train runs (<see cref="Points"/>).</summary>
public sealed record PlaneSettings
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
    public int? BatchNormBatches { get; init; }
    /// <summary>Output folder; null = the curve run itself (only with <see cref="Run"/>).</summary>
    public string? Out { get; init; }
    public bool Force { get; init; }
    public string? DataRoot { get; init; }
    public int? Threads { get; init; }
    public string Device { get; init; } = "auto";
    public IReadOnlyList<string> CommandLine { get; init; } = [];
}

public sealed record PlaneOutcome(string Folder, PlaneSurface Surface, double UNorm, double VNorm, IReadOnlyList<PlaneMarker> Markers);

/// <summary>
/// <c>isthmus plane</c> (SCIENCE §3, Fig. 1): the plane through three weight vectors, train loss and test error on a
/// grid over it (batch norm recomputed per point), <c>plane.json</c> and two contour pictures.
/// </summary>
public static class PlaneRecipe
{
    public const string PlaneJson = "plane.json", LossPng = "plane_train_loss.png", ErrorPng = "plane_test_error.png";

    public static PlaneOutcome Run(PlaneSettings s, IProgress<GridProgress>? progress = null, CancellationToken ct = default)
    {
        if ((s.Run is null) == (s.Points is null)) throw new IsthmusException("plane needs exactly one of --run CURVE_DIR or --points RUN_A RUN_B RUN_C.");
        if (s.Grid < 2) throw new IsthmusException($"--grid must be at least 2 (got {s.Grid}).");
        if (s.Margin < 0 || !double.IsFinite(s.Margin)) throw new IsthmusException($"--margin must be a non-negative number (got {s.Margin}).");
        if (s.BendsUsed is not null && s.Run is null) throw new IsthmusException("--bends-used picks control points of a curve; it goes with --run.");

        ArchitectureSpec spec;
        string data;
        int val;
        double wd;
        RunDirectory? curveRun = null;
        CurveRun? curve = null;
        List<TrainedRun>? runs = null;
        if (s.Run is not null)
        {
            curve = CurveRun.Open(s.Run);
            (spec, data, val, wd, curveRun) = (curve.Architecture, curve.Data, curve.Val, curve.WeightDecay, curve.Run);
        }
        else
        {
            if (s.Points!.Count != 3) throw new IsthmusException($"--points takes three train runs (got {s.Points.Count}).");
            runs = s.Points.Select(TrainedRun.Open).ToList();
            TrainedRun.CheckCompatible(runs);
            (spec, data, val, wd) = (runs[0].Architecture, runs[0].Data, runs[0].Val, runs[0].WeightDecay);
        }
        var chosen = curve is null ? [0, 1, 2] : Choose(curve, s.BendsUsed);
        var folder = Folder(s, curveRun, spec, data);

        using var session = Session.Open(data, s.DataRoot, val, s.Threads, s.Device);
        Network net;
        if (curve is not null) net = curve.Load(session);
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
        var surface = PlaneSurface.Evaluate(net, plane, xs, ys, evaluator, progress, ct);

        string title = $"{spec} on {session.Data.Name}";
        string curveName = curve is null ? "curve" : $"{curve.Family.Name} curve";
        PlanePlot.Save(folder.File(LossPng), $"{title}: train loss", "train loss", xs, ys, surface.TrainLoss, markers, projectedCurve, curveName);
        PlanePlot.Save(folder.File(ErrorPng), $"{title}: test error", "test error (%)", xs, ys, surface.TestError, markers, projectedCurve, curveName);
        var json = ToJson(surface, plane, markers, chosen, projectedCurve, curve?.Family.Name, s);
        json["architecture"] = Manifests.Architecture(spec);
        json["data"] = Manifests.Data(session.Data);
        json["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        Json.Write(folder.File(PlaneJson), json);
        if (folder.Manifest["command"]?.GetValue<string>() == "plane") folder.Complete();
        return new PlaneOutcome(folder.Path, surface, plane.UNorm, plane.VNorm, markers);
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

    private static RunDirectory Folder(PlaneSettings s, RunDirectory? curveRun, ArchitectureSpec spec, string data)
    {
        if (s.Out is null) return curveRun ?? throw new IsthmusException("--points needs --out DIR (a new folder for the plane).");
        if (curveRun is not null && Path.GetFullPath(s.Out) == curveRun.Path) return curveRun;
        var run = RunDirectory.Create(s.Out, "plane", s.Force, resume: false);
        run.Manifest["arguments"] = new JsonArray(s.CommandLine.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        run.Manifest["architecture"] = Manifests.Architecture(spec);
        run.Manifest["data"] = new JsonObject { ["name"] = data };
        var sources = s.Points ?? [s.Run!];
        run.Manifest["space"] = new JsonObject
        {
            ["kind"] = "plane",
            ["sources"] = new JsonArray(sources.Select(p => (JsonNode)JsonValue.Create(Path.GetFullPath(p))!).ToArray()),
        };
        run.Manifest["settings"] = new JsonObject { ["grid"] = s.Grid, ["margin"] = s.Margin, ["bn_batches"] = s.BatchNormBatches?.ToString() ?? "all" };
        run.SaveManifest();
        return run;
    }

    private static JsonObject ToJson(PlaneSurface surface, Plane plane, List<PlaneMarker> markers, int[] chosen,
        List<(double X, double Y)>? curve, string? family, PlaneSettings s)
    {
        JsonArray Grid(double[,] v) => new(Enumerable.Range(0, v.GetLength(0))
            .Select(j => (JsonNode)CurveResults.Array(Enumerable.Range(0, v.GetLength(1)).Select(i => v[j, i]))).ToArray());
        var o = new JsonObject
        {
            ["grid"] = s.Grid,
            ["margin"] = s.Margin,
            ["layout"] = "arrays are [row j][column i] = the point (x[i], y[j])",
            ["x"] = CurveResults.Array(surface.X),
            ["y"] = CurveResults.Array(surface.Y),
            ["u_norm"] = Json.Number(plane.UNorm),
            ["v_norm"] = Json.Number(plane.VNorm),
            ["plane_points"] = new JsonArray(chosen.Select(k => (JsonNode)JsonValue.Create(k)!).ToArray()),
            ["control_points"] = new JsonArray(markers.Select(m => (JsonNode)new JsonObject { ["name"] = m.Label, ["x"] = Json.Number(m.X), ["y"] = Json.Number(m.Y) }).ToArray()),
            ["train_loss"] = Grid(surface.TrainLoss),
            ["test_error"] = Grid(surface.TestError),
            ["train_nll"] = Grid(surface.TrainNll),
            ["train_error"] = Grid(surface.TrainError),
            ["test_nll"] = Grid(surface.TestNll),
            ["bn_recomputed"] = surface.BatchNormRecomputed,
            ["seconds_per_point"] = Json.Number(surface.SecondsPerPoint),
        };
        if (curve is not null)
            o["curve"] = new JsonObject
            {
                ["family"] = family,
                ["x"] = CurveResults.Array(curve.Select(c => c.X)),
                ["y"] = CurveResults.Array(curve.Select(c => c.Y)),
            };
        return o;
    }
}
