using Isthmus.Methods;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Studies;

/// <summary>Settings of <c>isthmus study parametrization</c> (docs/science.md §2, A.7).</summary>
public sealed record ParametrizationSettings : InvocationSettings
{
    public required string Data { get; init; }
    public required string Out { get; init; }
    public string Model { get; init; } = "convfc";
    public IReadOnlyList<double> WidthFactors { get; init; } = [0.3, 0.5, 0.8, 1.0];
    public bool BatchNorm { get; init; }
    /// <summary>Epochs for each endpoint.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Epochs for each Bezier curve.</summary>
    public int CurveEpochs { get; init; } = 10;
    public int Points { get; init; } = 21;
    public double Lr { get; init; } = 0.05;
    public double WeightDecay { get; init; } = 5e-4;
    public long Seed { get; init; } = 1;
    public int Subset { get; init; }
    public bool Resume { get; init; }
}

/// <summary>One width's row of the over-parametrisation table.</summary>
public sealed record ParametrizationRow(double WidthFactor, long Parameters, double EndpointLossMax, double CurveLossMax, double CurveLossInt,
    double SegmentLossMax, double CurveTestErrorMax, double EndpointTestErrorMax, double LengthRatio);

/// <summary>The study's rows, and its pictures: each width's curve and the study's own.</summary>
public sealed record ParametrizationOutcome(IReadOnlyList<ParametrizationRow> Rows) : OutcomeWithFigures;

/// <summary>
/// Over-parametrisation (Garipov et al. 2018, A.7): for each width factor K, train two networks with every layer
/// K times as wide, connect them by a one-bend Bezier curve, and evaluate it and the segment. The paper finds the
/// worst train loss on the curve and the length ratio fall as K grows. Each step is an ordinary run folder under
/// <c>K=&lt;k&gt;/</c>, so a stopped study resumes where it stopped and every number can be checked by hand.
/// </summary>
public static class ParametrizationStudy
{
    public static ParametrizationOutcome Run(ParametrizationSettings s, Action<string>? log = null, IProgress<Training.TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        if (s.WidthFactors.Count == 0 || s.WidthFactors.Any(k => !(k > 0)))
            throw new IsthmusException("--width-factors must be positive numbers, e.g. 0.3,0.5,0.8,1.");
        var study = StudyFolder.Open(s, "study parametrization", s.Out, s.Resume);
        var rows = new List<ParametrizationRow>();
        var figures = new List<Figure>();
        foreach (var k in s.WidthFactors)
        {
            ct.ThrowIfCancellationRequested();
            var dir = study.File($"K={k.ToString(CultureInfo.InvariantCulture)}");
            var spec = new Nn.ArchitectureSpec(s.Model).With("width_factor", k.ToString(CultureInfo.InvariantCulture));
            if (s.BatchNorm) spec = spec.With("bn", "true");
            string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b"), curve = Path.Combine(dir, "bezier");
            foreach (var (path, seed) in new[] { (a, s.Seed), (b, s.Seed + 1) })
                if (!IsComplete(path))
                {
                    log?.Invoke($"K = {k}: training {Path.GetFileName(path)} (seed {seed})");
                    TrainRecipe.Run(new TrainSettings
                    {
                        Data = s.Data, Model = spec, Out = path, Epochs = s.Epochs, Lr = s.Lr, WeightDecay = s.WeightDecay, Seed = seed,
                        Subset = s.Subset, DataRoot = s.DataRoot, Threads = s.Threads, Device = s.Device, Resume = Directory.Exists(path),
                    }, progress, log, ct);
                }
            if (!IsComplete(curve))
            {
                log?.Invoke($"K = {k}: connecting by a Bezier curve");
                ConnectRecipe.Run(new ConnectSettings
                {
                    From = a, To = b, Out = curve, Curve = "bezier", Bends = 1, Epochs = s.CurveEpochs, Lr = s.Lr, Seed = s.Seed,
                    DataRoot = s.DataRoot, Threads = s.Threads, Device = s.Device, Resume = Directory.Exists(curve),
                }, session: null, progress, log, ct);
            }
            log?.Invoke($"K = {k}: evaluating the curve and the segment at {s.Points} points");
            var eval = EvalCurveRecipe.Run(new EvalCurveSettings
            {
                Run = curve, Points = s.Points, WithSegment = true, DataRoot = s.DataRoot, Threads = s.Threads, Device = s.Device,
            }, ct: ct);
            rows.Add(Row(k, RunDirectory.Open(a), RunDirectory.Open(b), eval));
            figures.AddRange(eval.Figures);
            Write(study, rows);
        }
        study.Complete();
        figures.Add(Picture(study, rows));
        return new ParametrizationOutcome(rows) { Figures = figures };
    }

    private static ParametrizationRow Row(double k, RunDirectory a, RunDirectory b, EvalCurveOutcome eval)
    {
        var (fa, fb) = (a.Manifest.Final!, b.Manifest.Final!);
        var c = eval.Curve;
        var loss = c.Arrays.First(x => x.Name == "train_loss").Values;
        var error = c.Arrays.First(x => x.Name == "test_error").Values;
        var segmentLoss = eval.Segment?.Arrays.First(x => x.Name == "train_loss").Values ?? [double.NaN];
        return new ParametrizationRow(k, a.Manifest.Space!.Parameters!.Value,
            Math.Max(fa.TrainLoss!.Value, fb.TrainLoss!.Value), loss.Max(),
            Landscape.PathStatistics.ArcLengthMean(c.Steps, loss), segmentLoss.Max(), error.Max(),
            Math.Max(fa.TestError!.Value, fb.TestError!.Value), c.LengthRatio);
    }

    private static bool IsComplete(string path) =>
        File.Exists(Path.Combine(path, RunDirectory.ManifestFile)) && RunDirectory.Open(path).Status == "complete";

    private static void Write(RunDirectory study, IReadOnlyList<ParametrizationRow> rows)
    {
        var json = new JsonObject
        {
            ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["width_factor"] = r.WidthFactor,
                ["parameters"] = r.Parameters,
                ["endpoint_train_loss_max"] = Json.Number(r.EndpointLossMax),
                ["curve_train_loss_max"] = Json.Number(r.CurveLossMax),
                ["curve_train_loss_int"] = Json.Number(r.CurveLossInt),
                ["segment_train_loss_max"] = Json.Number(r.SegmentLossMax),
                ["curve_test_error_max"] = Json.Number(r.CurveTestErrorMax),
                ["endpoint_test_error_max"] = Json.Number(r.EndpointTestErrorMax),
                ["length_ratio"] = Json.Number(r.LengthRatio),
            }).ToArray()),
        };
        Json.Write(study.File("parametrization.json"), json);
        AtomicFile.WriteAllText(study.File("parametrization.csv"),
            "width_factor,parameters,endpoint_train_loss_max,curve_train_loss_max,curve_train_loss_int,segment_train_loss_max,curve_test_error_max,endpoint_test_error_max,length_ratio\n" +
            string.Concat(rows.Select(r => string.Join(',', new object[] { r.WidthFactor, r.Parameters, r.EndpointLossMax, r.CurveLossMax, r.CurveLossInt, r.SegmentLossMax, r.CurveTestErrorMax, r.EndpointTestErrorMax, r.LengthRatio }
                .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "\n")));
    }

    /// <summary>The worst train loss on the curve and at the endpoints against K, beside the length ratio.</summary>
    private static LinesFigure Picture(RunDirectory study, IReadOnlyList<ParametrizationRow> rows) =>
        new(study.File("parametrization.png"), "Over-parametrisation (A.7)", "width factor K",
            [("curve: max train loss", rows.Select(r => r.WidthFactor).ToArray(), rows.Select(r => r.CurveLossMax).ToArray()),
             ("endpoints: max train loss", rows.Select(r => r.WidthFactor).ToArray(), rows.Select(r => r.EndpointLossMax).ToArray())],
            "train loss (log scale)", LogY: true,
            Second: ("length ratio", rows.Select(r => r.WidthFactor).ToArray(), rows.Select(r => r.LengthRatio).ToArray()));
}
