using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Methods;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Studies;

/// <summary>Settings of <c>isthmus study cuts</c> (docs/science.md §5, "low-dimensional cuts").</summary>
public sealed record CutsSettings : InvocationSettings
{
    public required string Data { get; init; }
    public required ArchitectureSpec Model { get; init; }
    public required string Out { get; init; }
    /// <summary>Dimensions d of the cuts.</summary>
    public IReadOnlyList<int> Dims { get; init; } = [10, 100, 1000];
    /// <summary>Distances ‖W0‖ of the anchors from the origin; null = the random initialisation as drawn.</summary>
    public IReadOnlyList<double?> Radii { get; init; } = [null];
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 128;
    /// <summary>
    /// Base rates for z, each tried in every cell; the row keeps the one that ends lowest ("best loss reachable",
    /// docs/science.md §5). One rate does not fit all d: the gradient inside a cut shrinks like √(d/N) while its curvature
    /// grows with d, so small cuts want large rates (the directions are orthonormal, so a step in z is a step of
    /// the same length in weight space).
    /// </summary>
    public IReadOnlyList<double> Rates { get; init; } = [1, 4, 16];
    public double Momentum { get; init; } = 0.9;
    /// <summary>
    /// Decay on the point; 0 by default, because ½·wd·‖W‖² would pull every cut towards the origin, which the study
    /// varies on purpose. With 0 the train loss is the NLL.
    /// </summary>
    public double WeightDecay { get; init; }
    public string Schedule { get; init; } = "standard";
    /// <summary>Seed of the anchor (a network initialised as <c>train --seed</c> would) and of the directions.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>Above this many bytes of directions, they are drawn again at every step instead of kept.</summary>
    public long MaxDenseBytes { get; init; } = RandomCut.DefaultMaxDenseBytes;
    /// <summary>dense, fastfood or auto (<see cref="CutProjections.Resolve"/>): how the directions are held.</summary>
    public string Projection { get; init; } = "auto";
    public int Subset { get; init; }
    public bool Resume { get; init; }
}

/// <summary>
/// One trained cut: dimension d, the radius asked for (null: the initialisation as drawn) and the anchor's actual
/// ‖W0‖, the base rate, the final point's metrics (NaN when training diverged), ‖z‖ (how far training moved the
/// point from the anchor: the directions are (nearly) orthonormal), whether the directions were dense, the seconds its
/// training and scoring took (the directions, drawn once per d, are not counted) and the projection (dense, generated
/// or fastfood, <see cref="RandomCut.Projection"/>).
/// </summary>
public sealed record CutRow(int Dim, double? RadiusSetting, double Radius, double Lr, double TrainLoss, double TrainNll, double TrainError,
    double TestNll, double TestError, double Distance, bool Dense, double Seconds, string Projection = "dense")
{
    public bool Diverged => double.IsNaN(TrainLoss);
}

/// <summary>The anchor W0 of one radius, scored before any training (z = 0).</summary>
public sealed record CutAnchor(double? RadiusSetting, double Radius, double TrainLoss, double TestError);

/// <summary>The study's result: per (d, r) the best of its rates (<see cref="Rows"/>), and every rate tried (<see cref="Trials"/>).</summary>
public sealed record CutsOutcome(string Folder, IReadOnlyList<CutRow> Rows, IReadOnlyList<CutRow> Trials, IReadOnlyList<CutAnchor> Anchors) : OutcomeWithFigures;

/// <summary>
/// Low-dimensional cuts (docs/science.md §5; Fort &amp; Jastrzebski 2019 after Li et al. 2018): for every anchor radius r and
/// dimension d, train only the d coordinates z of W = W0 + Pᵀz, with W0 a random initialisation rescaled to ‖W0‖ = r
/// and P the d orthonormal directions of a <see cref="RandomCut"/>, then score the final point (batch norm
/// recomputed) — at every rate, keeping the lowest final train loss. The same directions seed serves every cell, so
/// the cuts of one radius are nested.
/// </summary>
public static class CutsStudy
{
    public const string JsonFile = "cuts.json", CsvFile = "cuts.csv", PngFile = "cuts.png";

    public static CutsOutcome Run(CutsSettings s, Action<string>? log = null, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        Validate(s);
        var study = StudyFolder.Open(s, "study cuts", s.Out, s.Resume);
        var trials = study.Resumed ? ReadTrials(study) : [];
        using var session = Session.Open(s.Data, s.DataRoot, val: 0, s.Threads, s.Device, s.Subset, log);
        var anchors = new List<CutAnchor>();
        foreach (var radius in s.Radii)
        {
            var anchor = ScoreAnchor(s, session, radius, ct);
            anchors.Add(anchor);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"anchor {Describe(radius, anchor.Radius)}: train loss {anchor.TrainLoss:F4}, test error {anchor.TestError:F2}%"));
        }
        foreach (var d in s.Dims)
        {
            var todo = s.Radii.SelectMany(r => s.Rates.Select(lr => (Radius: r, Lr: lr)))
                .Where(x => !trials.Any(t => t.Dim == d && t.RadiusSetting == x.Radius && t.Lr == x.Lr)).ToList();
            if (todo.Count == 0) continue;
            // One set of directions per d, shared by every radius and rate (drawing and orthonormalising them is the
            // expensive part of a large cut).
            using var shape = ModelZoo.Build(s.Model, session.Shape);
            using var cut = RandomCut.Create(shape.Layout, d, s.Seed, session.Device, s.MaxDenseBytes, CutProjections.Parse(s.Projection));
            foreach (var (radius, lr) in todo)
            {
                var anchor = anchors.First(a => a.RadiusSetting == radius);
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"cut d = {d}, {Describe(radius, anchor.Radius)}, lr {lr}: training z for {s.Epochs} epochs"));
                trials.Add(TrainCut(s, session, cut, radius, lr, progress, ct));
                Write(study, s, trials, anchors);
            }
        }
        Write(study, s, trials, anchors);
        study.Manifest.Platform = TrainingRecord.Platform(session.Threads, session.Device);
        study.Complete();
        return new CutsOutcome(study.Path, Best(trials), trials, anchors) { Figures = [Picture(study, Best(trials))] };
    }

    /// <summary>Per (d, r), the trial with the lowest final train loss (a diverged one only when every rate diverged).</summary>
    public static IReadOnlyList<CutRow> Best(IEnumerable<CutRow> trials) =>
        trials.GroupBy(r => (r.Dim, r.RadiusSetting))
            .Select(g => g.OrderBy(r => r.Diverged).ThenBy(r => r.TrainLoss).First())
            .OrderBy(r => r.RadiusSetting ?? 0).ThenBy(r => r.Dim).ToList();

    /// <summary>
    /// Trains z (from 0) in <paramref name="cut"/>, anchored at the seed's initialisation scaled to <paramref name="radius"/>,
    /// at base rate <paramref name="lr"/>, and scores where it ends.
    /// </summary>
    public static CutRow TrainCut(CutsSettings s, Session session, RandomCut cut, double? radius, double lr, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int d = cut.Dimension;
        using var net = session.Build(s.Model, controlPoints: 2, s.Seed);
        using var space = net.Space;
        double norm = CutSampler.PlaceAnchor(space, radius);
        cut.Reset();
        var sampler = new CutSampler(cut);
        using var optimizer = new Sgd([cut.Coordinates], s.Momentum, weightDecay: 0);
        try
        {
            Trainer.Run(new TrainingJob
            {
                Network = net,
                Train = BatchSources.Training(session.Data, s.BatchSize, s.Seed),
                Eval = BatchSources.Evaluation(session.Data),
                Schedule = Schedules.Create(s.Schedule, lr),
                Optimizer = optimizer,
                WeightDecay = s.WeightDecay,
                Epochs = s.Epochs,
                Seed = s.Seed,
                Sampler = sampler,
            }, progress, ct);
        }
        catch (TrainingDivergedException)
        {
            return new CutRow(d, radius, norm, lr, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, cut.IsDense, clock.Elapsed.TotalSeconds, cut.Projection);
        }
        sampler.MoveTo(space);
        var scored = Evaluator(s, session).Evaluate(net, ct);
        double distance;
        using (var z = cut.Coordinates.detach().to_type(TorchSharp.torch.ScalarType.Float64).norm()) distance = z.item<double>();
        return new CutRow(d, radius, norm, lr, scored.TrainLoss, scored.Train.Nll, scored.Train.Error, scored.Test.Nll, scored.Test.Error,
            distance, cut.IsDense, clock.Elapsed.TotalSeconds, cut.Projection);
    }

    private static CutAnchor ScoreAnchor(CutsSettings s, Session session, double? radius, CancellationToken ct)
    {
        using var net = session.Build(s.Model, controlPoints: 2, s.Seed);
        using var space = net.Space;
        double norm = CutSampler.PlaceAnchor(space, radius);
        var scored = Evaluator(s, session).Evaluate(net, ct);
        return new CutAnchor(radius, norm, scored.TrainLoss, scored.Test.Error);
    }

    private static PointEvaluator Evaluator(CutsSettings s, Session session) =>
        new(BatchSources.TrainingForEvaluation(session.Data), BatchSources.Evaluation(session.Data), s.WeightDecay);

    private static void Validate(CutsSettings s)
    {
        new SgdHyperparameters(s.Epochs, s.BatchSize, s.Rates.FirstOrDefault(1), s.Momentum, s.WeightDecay, s.Schedule, s.Seed, 0).Validate();
        if (s.Dims.Count == 0 || s.Dims.Any(d => d < 1)) throw new IsthmusException("--dims must be positive whole numbers, e.g. 10,100,1000.");
        if (s.Rates.Count == 0 || s.Rates.Any(r => !(r > 0) || !double.IsFinite(r))) throw new IsthmusException("--lr must be positive numbers, e.g. 1,4,16.");
        if (s.Radii.Count == 0 || s.Radii.Any(r => r is { } x && (!(x > 0) || !double.IsFinite(x))))
            throw new IsthmusException("--radii must be positive numbers or 'init', e.g. init,4,16.");
        CutProjections.Parse(s.Projection);
        if (s.MaxDenseBytes < 0) throw new IsthmusException($"--max-dense-mb must not be negative (got {s.MaxDenseBytes >> 20}).");
    }

    private static string Describe(double? setting, double radius) =>
        setting is null ? string.Create(CultureInfo.InvariantCulture, $"r = {radius:0.##} (the initialisation)") : string.Create(CultureInfo.InvariantCulture, $"r = {radius:0.##}");

    private static List<CutRow> ReadTrials(RunDirectory study)
    {
        var path = study.File(JsonFile);
        if (!File.Exists(path)) return [];
        return Json.ReadObject(path)["trials"]!.AsArray().Select(r => new CutRow(
            r!["dim"]!.GetValue<int>(), r["radius_setting"]?.GetValue<double>(), Get(r, "radius"), Get(r, "lr"), Get(r, "train_loss"), Get(r, "train_nll"),
            Get(r, "train_error"), Get(r, "test_nll"), Get(r, "test_error"), Get(r, "distance"), r["dense"]!.GetValue<bool>(), Get(r, "seconds"),
            r["projection"]?.GetValue<string>() ?? "dense")).ToList();
    }

    private static double Get(JsonNode row, string key) => row[key]?.GetValue<double>() ?? double.NaN;

    private static readonly string[] Columns = ["dim", "radius_setting", "radius", "lr", "train_loss", "train_nll", "train_error", "test_nll", "test_error", "distance", "dense", "seconds", "projection"];

    private static object?[] Values(CutRow r) =>
        [r.Dim, r.RadiusSetting, r.Radius, r.Lr, r.TrainLoss, r.TrainNll, r.TrainError, r.TestNll, r.TestError, r.Distance, r.Dense, r.Seconds, r.Projection];

    /// <summary>Best train loss and its test error against the cut dimension, one line per radius.</summary>
    private static PanelsFigure Picture(RunDirectory study, IReadOnlyList<CutRow> best)
    {
        var groups = best.GroupBy(r => r.RadiusSetting).ToList();
        string Name(IGrouping<double?, CutRow> g) => Describe(g.Key, g.First().Radius);
        return new PanelsFigure(study.File(PngFile),
        [
            new PlotPanel("Training inside a random cut: train loss", "cut dimension d", "best train loss (log scale)",
                groups.Select(g => new PlotSeries(Name(g), g.Select(r => (double)r.Dim).ToArray(), g.Select(r => r.TrainLoss).ToArray())).ToList(), LogX: true, LogY: true),
            new PlotPanel("Training inside a random cut: test error", "cut dimension d", "test error at the best rate (%)",
                groups.Select(g => new PlotSeries(Name(g), g.Select(r => (double)r.Dim).ToArray(), g.Select(r => r.TestError).ToArray())).ToList(), LogX: true),
        ]);
    }

    private static void Write(RunDirectory study, CutsSettings s, IReadOnlyList<CutRow> trials, IReadOnlyList<CutAnchor> anchors)
    {
        var best = Best(trials);
        StudyTable.WriteCsv(study.File(CsvFile), Columns, best.Select(Values));
        var json = new JsonObject
        {
            ["architecture"] = RunManifest.ToJson(s.Model),
            ["data"] = s.Data,
            ["construction"] = "W = W0 + P^T z; P by the projection of each row: dense = d orthonormal Gaussian directions (seeded, nested across d), " +
                "fastfood = S H G Pi H B per block of 2^ceil(log2 d) weights (seeded, unit-norm, nearly orthogonal directions); W0: the seed's random initialisation, rescaled to norm radius when radius_setting is given; only z is trained",
            ["train_loss"] = s.WeightDecay == 0 ? "NLL on the whole training split (wd = 0)" : "NLL + 0.5*wd*|W|^2 on the whole training split",
            ["rows_are"] = "per (dim, radius) the trial whose final train loss is lowest over the rates in trials",
            ["units"] = new JsonObject { ["error"] = "%", ["radius"] = "weight-space norm of the anchor", ["distance"] = "|z|, weight-space units" },
            ["anchors"] = new JsonArray(anchors.Select(a => (JsonNode)new JsonObject
            {
                ["radius_setting"] = a.RadiusSetting, ["radius"] = Json.Number(a.Radius), ["train_loss"] = Json.Number(a.TrainLoss), ["test_error"] = Json.Number(a.TestError),
            }).ToArray()),
            ["rows"] = StudyTable.Rows(Columns, best.Select(Values)),
            ["trials"] = StudyTable.Rows(Columns, trials.Select(Values)),
        };
        Json.Write(study.File(JsonFile), json);
    }
}
