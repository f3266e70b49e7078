using Isthmus.Data;
using Isthmus.Landscape;
using Isthmus.Methods;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Studies;

/// <summary>One knob swept around the base setting: <c>lr</c>, <c>width</c> (every hidden layer of an mlp, or a convfc's width factor) or <c>wd</c>.</summary>
public sealed record HyperparameterSweep(string Knob, IReadOnlyList<double> Values)
{
    public static readonly IReadOnlyList<string> Knobs = ["lr", "width", "wd"];

    /// <summary>+1 when a larger value is "stronger" in the paper's claim (larger lr, stronger L2), −1 when smaller is (smaller width).</summary>
    public int ClaimedDirection => Knob == "width" ? -1 : 1;
}

/// <summary>Settings of <c>isthmus study hyperparameters</c> (docs/science.md §5, "hyperparameters").</summary>
public sealed record HyperparameterSettings : InvocationSettings
{
    public required string Data { get; init; }
    /// <summary>The base architecture; a width sweep changes it.</summary>
    public required ArchitectureSpec Model { get; init; }
    public required string Out { get; init; }
    public required IReadOnlyList<HyperparameterSweep> Vary { get; init; }
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 128;
    public double Lr { get; init; } = 0.05;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;
    public string Schedule { get; init; } = "standard";
    public long Seed { get; init; } = 1;
    public int Subset { get; init; }
    /// <summary>The first N training examples, on which every landscape quantity is computed.</summary>
    public int MeasureExamples { get; init; } = 5000;
    public GeometryOptions Geometry { get; init; } = new();
    public bool Resume { get; init; }
}

/// <summary>One setting of one knob: the run it trained, how it scores, and the shape of the loss around it.</summary>
public sealed record HyperparameterRow(string Knob, double Value, string Run, long Parameters, double TrainLoss, double TestError, Geometry Geometry);

public sealed record HyperparameterOutcome(string Folder, IReadOnlyList<HyperparameterRow> Rows) : OutcomeWithFigures;

/// <summary>
/// docs/science.md §5: "larger learning rate, smaller width and stronger L2 act alike: they change the large-scale curvature
/// of the region explored". For each setting of each knob (the others at the base values) a network is trained with
/// <c>train</c>'s recipe into its own run folder (a setting shared by two sweeps is trained once), then
/// <see cref="SolutionGeometry"/> measures, on a fixed set of training examples: the distance along K random
/// directions at which the NLL first rises by Δ, the top Hessian eigenvalue and the distance from the initialisation.
/// </summary>
public static class HyperparameterStudy
{
    public const string JsonFile = "hyperparameters.json", CsvFile = "hyperparameters.csv", PngFile = "hyperparameters.png";

    public static HyperparameterOutcome Run(HyperparameterSettings s, Action<string>? log = null, IProgress<Training.TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        Validate(s);
        var study = StudyFolder.Open(s, "study hyperparameters", s.Out, s.Resume);
        using var session = Session.Open(s.Data, s.DataRoot, val: 0, s.Threads, s.Device, s.Subset, log);
        if (session.Data.Kind != DataKind.Images || session.Data.Train is null)
            throw new IsthmusException($"study hyperparameters measures classifiers; {s.Data} is a text corpus.");
        var train = session.Data.Train;
        long m = Math.Min(s.MeasureExamples, train.Count);
        using var measured = new ImageDataset(train.Images.narrow(0, 0, m), train.Labels.narrow(0, 0, m), train.Normalization);
        var measure = BatchSources.InOrder(measured);
        var rows = new List<HyperparameterRow>();
        var measuredRuns = new Dictionary<string, (long Parameters, double TrainLoss, double TestError, Geometry Geometry)>();
        foreach (var sweep in s.Vary)
            foreach (var value in sweep.Values)
            {
                var settings = Setting(s, sweep.Knob, value);
                if (!measuredRuns.TryGetValue(settings.Out, out var result))
                {
                    log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{sweep.Knob} = {value}: training {Path.GetFileName(settings.Out)}"));
                    var trained = TrainRecipe.Run(settings with { Resume = Directory.Exists(settings.Out) }, session, progress, log, ct);
                    log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{sweep.Knob} = {value}: measuring the loss around it on {m} training examples"));
                    var (parameters, geometry) = Measure(settings, session, measure, s.Geometry, log, ct);
                    result = (parameters, trained.TrainLoss, trained.Test.Error, geometry);
                    measuredRuns[settings.Out] = result;
                }
                rows.Add(new HyperparameterRow(sweep.Knob, value, settings.Out, result.Parameters, result.TrainLoss, result.TestError, result.Geometry));
                Write(study, s, rows, m);
            }
        study.Manifest.Platform = TrainingRecord.Platform(session.Threads, session.Device);
        study.Complete();
        return new HyperparameterOutcome(study.Path, rows) { Figures = [Picture(study.File(PngFile), s, rows)] };
    }

    /// <summary>The training run of one setting: the base with one knob changed, in a folder named by all three knobs.</summary>
    public static TrainSettings Setting(HyperparameterSettings s, string knob, double value)
    {
        var spec = s.Model;
        double lr = s.Lr, wd = s.WeightDecay;
        switch (knob)
        {
            case "lr": lr = value; break;
            case "wd": wd = value; break;
            case "width": spec = Widen(spec, value); break;
            default: throw new IsthmusException($"--vary knows lr, width and wd, not '{knob}'.");
        }
        string width = spec.Name == "convfc" ? $"width_factor={spec.Get("width_factor") ?? "1"}" : $"widths={(spec.Get("widths") ?? "800,800").Replace(',', 'x')}";
        var name = string.Create(CultureInfo.InvariantCulture, $"lr={lr}_wd={wd}_{width}");
        return new TrainSettings
        {
            Data = s.Data, Model = spec, Out = Path.Combine(Path.GetFullPath(s.Out), name), Epochs = s.Epochs, BatchSize = s.BatchSize,
            Lr = lr, Momentum = s.Momentum, WeightDecay = wd, Schedule = s.Schedule, Seed = s.Seed, Subset = s.Subset,
            DataRoot = s.DataRoot, Threads = s.Threads, Device = s.Device,
        };
    }

    private static ArchitectureSpec Widen(ArchitectureSpec spec, double value) => spec.Name switch
    {
        "mlp" when value >= 1 && value == Math.Floor(value) =>
            spec.With("widths", string.Join(',', Enumerable.Repeat(((int)value).ToString(CultureInfo.InvariantCulture), spec.Integers("widths", [800, 800]).Length))),
        "mlp" => throw new IsthmusException($"--vary width for an mlp takes whole numbers of hidden units (got {value})."),
        "convfc" when value > 0 => spec.With("width_factor", value.ToString(CultureInfo.InvariantCulture)),
        _ => throw new IsthmusException($"--vary width works for mlp (hidden units) and convfc (width factor), not {spec.Name}."),
    };

    private static (long Parameters, Geometry Geometry) Measure(TrainSettings run, Session session, IBatchSource measure,
        GeometryOptions options, Action<string>? log, CancellationToken ct)
    {
        // The initialisation is redrawn from the run's seed exactly as TrainRecipe drew it, then the trained weights are loaded.
        using var net = session.Build(run.Model, controlPoints: 1, run.Seed);
        using var space = net.Space;
        var init = ParameterVectors.Clone(space.PointTensors);
        try
        {
            Checkpoint.Load(Path.Combine(run.Out, TrainedRun.ModelFile), net);
            var geometry = SolutionGeometry.Measure(net, measure, init, options, log, ct);
            return (net.Layout.TotalElements, geometry);
        }
        finally
        {
            ParameterVectors.Dispose(init);
        }
    }

    private static void Validate(HyperparameterSettings s)
    {
        new SgdHyperparameters(s.Epochs, s.BatchSize, s.Lr, s.Momentum, s.WeightDecay, s.Schedule, s.Seed, 0).Validate();
        if (s.Vary.Count == 0) throw new IsthmusException("study hyperparameters needs at least one --vary, e.g. --vary lr=0.01,0.05,0.2.");
        foreach (var v in s.Vary)
        {
            if (!HyperparameterSweep.Knobs.Contains(v.Knob)) throw new IsthmusException($"--vary knows lr, width and wd, not '{v.Knob}'.");
            if (v.Values.Count == 0 || v.Values.Any(x => !double.IsFinite(x) || x < 0 || (x == 0 && v.Knob != "wd")))
                throw new IsthmusException($"--vary {v.Knob}= needs positive values (wd may be 0), e.g. {v.Knob}={(v.Knob == "lr" ? "0.01,0.05,0.2" : v.Knob == "wd" ? "0,5e-4,5e-3" : "100,200,400")}.");
            foreach (var x in v.Values) Setting(s, v.Knob, x);
        }
        var g = s.Geometry;
        if (g.Directions < 1) throw new IsthmusException($"--directions must be at least 1 (got {g.Directions}).");
        if (!(g.Delta > 0)) throw new IsthmusException($"--delta must be a positive number of nats (got {g.Delta}).");
        if (g.PowerIterations < 1) throw new IsthmusException($"--power-iterations must be at least 1 (got {g.PowerIterations}).");
        if (g.Bisections < 0) throw new IsthmusException($"--bisections must not be negative (got {g.Bisections}).");
        if (!(g.MaxDistance >= g.InitialDistance) || !(g.InitialDistance > 0)) throw new IsthmusException($"--max-distance must be at least {g.InitialDistance} (got {g.MaxDistance}).");
        if (s.MeasureExamples < 1) throw new IsthmusException($"--measure-examples must be at least 1 (got {s.MeasureExamples}).");
    }

    private static readonly string[] Columns =
        ["knob", "value", "parameters", "train_loss", "test_error", "measure_nll", "threshold", "radius_mean", "radius_min", "radius_max", "top_eigenvalue", "power_iterations", "converged", "distance_from_init", "weight_norm", "run"];

    private static object?[] Values(HyperparameterRow r) =>
        [r.Knob, r.Value, r.Parameters, r.TrainLoss, r.TestError, r.Geometry.Nll, r.Geometry.Threshold, r.Geometry.MeanRadius, r.Geometry.Radii.Min(), r.Geometry.Radii.Max(),
         r.Geometry.TopEigenvalue.Value, r.Geometry.TopEigenvalue.Iterations, r.Geometry.TopEigenvalue.Converged, r.Geometry.DistanceFromInit, r.Geometry.WeightNorm, Path.GetFileName(r.Run)];

    private static void Write(RunDirectory study, HyperparameterSettings s, IReadOnlyList<HyperparameterRow> rows, long measured)
    {
        StudyTable.WriteCsv(study.File(CsvFile), Columns, rows.Select(Values));
        var table = StudyTable.Rows(Columns, rows.Select(Values));
        for (int i = 0; i < rows.Count; i++) table[i]!["radii"] = new JsonArray(rows[i].Geometry.Radii.Select(Json.Number).ToArray());
        var g = s.Geometry;
        Json.Write(study.File(JsonFile), new JsonObject
        {
            ["architecture"] = RunManifest.ToJson(s.Model),
            ["data"] = s.Data,
            ["base"] = new JsonObject { ["lr"] = s.Lr, ["wd"] = s.WeightDecay, ["epochs"] = s.Epochs, ["seed"] = s.Seed },
            ["measured_on"] = $"the first {measured} training examples, eval mode",
            ["radius"] = string.Create(CultureInfo.InvariantCulture,
                $"distance along each of {g.Directions} random {(g.FilterNormalize ? "filter-normalised directions (relative to the weights' filter norms; biases not moved)" : "unit directions (weight-space units)")} at which the NLL first exceeds measure_nll + {g.Delta} (doubling from {g.InitialDistance}, then {g.Bisections} bisections; null = beyond {g.MaxDistance})"),
            ["top_eigenvalue"] = $"largest-magnitude eigenvalue of the NLL's Hessian by power iteration on Hessian-vector products ({(g.FiniteDifferences ? "central differences of gradients" : "double backward")}); the L2 term would add wd",
            ["distance_from_init"] = "|w - w0|, w0 redrawn from the run's seed",
            ["claim"] = "larger lr, smaller width and stronger L2 act alike (docs/science.md §5)",
            ["rows"] = table,
        });
    }

    /// <summary>One panel per quantity, one line per knob, its settings ordered from weakest to strongest in the claim's sense.</summary>
    private static PanelsFigure Picture(string path, HyperparameterSettings s, IReadOnlyList<HyperparameterRow> rows)
    {
        var sweeps = s.Vary.Select(v => (v, Rows: rows.Where(r => r.Knob == v.Knob).OrderBy(r => v.ClaimedDirection * r.Value).ToList())).Where(x => x.Rows.Count > 0).ToList();
        PlotPanel Panel(string title, string y, Func<HyperparameterRow, double> value, bool log) => new(title, "weakest → strongest (lr ↑ width ↓ wd ↑)", y,
            sweeps.Select(x => new PlotSeries(
                string.Create(CultureInfo.InvariantCulture, $"{x.v.Knob} {x.Rows[0].Value:G3} → {x.Rows[^1].Value:G3}"),
                x.Rows.Select((_, i) => x.Rows.Count == 1 ? 0.5 : (double)i / (x.Rows.Count - 1)).ToArray(),
                x.Rows.Select(value).ToArray())).ToList(), LogY: log);
        return new PanelsFigure(path,
        [
            Panel($"Radius (NLL + {s.Geometry.Delta:G3})", s.Geometry.FilterNormalize ? "mean relative distance, filter-normalised (log scale)" : "mean distance (log scale)", r => r.Geometry.MeanRadius, true),
            Panel("Top Hessian eigenvalue", "λ_max of the NLL (log scale)", r => r.Geometry.TopEigenvalue.Value, true),
            Panel("Distance from initialisation", "|w − w0|", r => r.Geometry.DistanceFromInit, false),
            Panel("Test error", "test error (%)", r => r.TestError, false),
        ], PanelWidth: 450);
    }
}
