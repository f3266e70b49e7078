using Isthmus.Runs;
using Isthmus.Space;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Methods;

/// <summary>
/// The result of <c>ConnectRecipe.Run</c>: the run folder, the curve, metrics of its midpoint φ(½) with batch norm
/// recomputed for it (the curve's full evaluation is <c>eval-curve</c>'s), every epoch of the run (resumed ones included).
/// </summary>
public sealed record ConnectOutcome(string RunPath, string Curve, int Bends, Evaluation.PointMetrics Midpoint, IReadOnlyList<EpochReport> Epochs, double Seconds, bool AlreadyComplete);

/// <summary>
/// <c>isthmus connect</c> (Garipov et al. 2018, §3): a curve φθ(t) = Σ_k c_k(t)·w_k between two trained networks,
/// trained by eq. (2) — one t ~ U(0,1) per minibatch, an SGD step on the bends only, weight decay on the point
/// φθ(t). Writes <c>curve.safetensors</c> (every control point, <see cref="SpaceFile"/> format), metrics.csv (per
/// epoch: train columns are running means over the sampled t as in the reference code, test columns are the
/// midpoint φ(½), its batch norm recomputed from 10 training batches when the net has it) and the manifest
/// that <see cref="CurveRun"/> reads back, with the midpoint's metrics after batch norm is recomputed from the whole split.
/// </summary>
public static class ConnectRecipe
{
    /// <param name="session">An open session (owned by the caller) on the endpoints' data set, or null to open one.</param>
    public static ConnectOutcome Run(ConnectSettings s, Session? session = null, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Validate(s);
        // The endpoints are checked before --out is touched, so a refused pair leaves no folder behind.
        bool given = s.From != "" || s.To != "";
        if (given) s = s with { From = Path.GetFullPath(s.From), To = Path.GetFullPath(s.To) };
        (var run, s, var endpoints) = RunDirectory.Claim(s, "connect", s.Out, s.Force, s.Resume, given, "--from and --to", Endpoints);
        if (run.IsComplete) return Finished(run, s);
        var (a, b) = endpoints;
        s = s with { WeightDecay = s.WeightDecay ?? a.WeightDecay, Bends = s.BendsOrDefault };
        double wd = s.WeightDecay.Value;
        var family = CurveFamily.Create(s.Curve, s.Bends.Value);
        int end = family.Bends + 1;

        using var opened = Session.OpenFor(a.Kind, s, session, log);
        session ??= opened!;
        using var net = session.Build(a.Architecture, family.ControlPoints, s.Seed);
        using var space = net.Space;
        Checkpoint.Load(a.ModelPath, net, controlPoint: 0);
        Checkpoint.Load(b.ModelPath, net, controlPoint: end);
        BendInit.Apply(space, family, s.Init);
        space.SetTrainable(0, s.FreeStart);
        space.SetTrainable(end, s.FreeEnd);
        var sampler = new CurveSampler(family);
        sampler.MoveToReportedPoint(space);
        bool trains = space.TrainableTensors().Any();
        var h = s.Hyperparameters(wd, epochs: trains ? s.Epochs : 0);
        Describe(run, s, family, a, b, session, net, h);
        var history = SpaceTraining.Run(run, net, session, h, sampler, progress, log, ct, Platform.Precision.AutocastType(s.Precision));

        log?.Invoke($"Evaluating the curve's midpoint{(net.HasBatchNorm ? " (batch norm recomputed)" : "")}...");
        sampler.MoveTo(space, 0.5);
        var midpoint = session.Evaluator(wd).Evaluate(net, ct);
        SpaceFile.Save(run.File(CurveRun.CurveFile), net, new Dictionary<string, string> { ["isthmus.curve"] = family.Name });
        run.Manifest.Midpoint = MetricsSection.Of(midpoint, session.Data.Kind == Data.DataKind.Text, t: 0.5);
        run.Manifest.SetSection(ManifestKey.Timing, TrainingRecord.Timing(history));
        run.Complete();
        ResumeState.Delete(run);
        return new ConnectOutcome(run.Path, family.Name, family.Bends, midpoint, history, clock.Elapsed.TotalSeconds, AlreadyComplete: false);
    }

    /// <summary>Names of the control points in manifests: start, bend.1 … bend.n, end.</summary>
    public static string ControlPointName(int k, CurveFamily family) =>
        k == 0 ? "start" : k == family.Bends + 1 ? "end" : $"bend.{k}";

    /// <summary>The two endpoints, refusing a pair that no curve can join (another architecture, data set, hold-out or subset).</summary>
    private static (TrainedRun Start, TrainedRun End) Endpoints(ConnectSettings s)
    {
        var runs = TrainedRun.OpenAll([s.From, s.To], "connect", "--from and --to", BareCheckpoints.Of(s.Data, s.Model, s.WeightDecay));
        return (runs[0], runs[1]);
    }

    private static void Validate(ConnectSettings s)
    {
        s.Hyperparameters(s.WeightDecay ?? 0).Validate();
        if (s.Curve == "segment" && s.BendsOrDefault != 0)
            throw new IsthmusException($"A segment has no bends; drop --bends {s.BendsOrDefault} or choose --curve bezier or polychain.");
        CurveFamily.Create(s.Curve, s.BendsOrDefault);
        BendInit.Check(s.Init);
        Platform.Precision.AutocastType(s.Precision);
    }

    private static void Describe(RunDirectory run, ConnectSettings s, CurveFamily family, TrainedRun a, TrainedRun b, Session session, Nn.Network net, SgdHyperparameters h)
    {
        var m = run.Manifest;
        session.Describe(m, s.CommandLine, net.Spec);
        m.Space = new SpaceSection
        {
            Kind = "curve",
            Family = family.Name,
            Bends = family.Bends,
            Parameters = net.Layout.TotalElements,
            File = CurveRun.CurveFile,
            Init = s.Init,
            Sampler = new CurveSampler(family).Name,
            ControlPoints = Enumerable.Range(0, family.ControlPoints).Select(k => new ControlPointSection
            {
                Name = ControlPointName(k, family),
                Fixed = !net.Space.IsTrainable(k),
                Source = k == 0 ? a.Path : k == family.Bends + 1 ? b.Path : null,
                Init = k == 0 || k == family.Bends + 1 ? null : s.Init,
            }).ToList(),
        };
        m.SetSection(ManifestKey.Endpoints, new JsonObject
        {
            ["start"] = new JsonObject { ["run"] = a.Path, ["test_error"] = a.Final?.TestError },
            ["end"] = new JsonObject { ["run"] = b.Path, ["test_error"] = b.Final?.TestError },
        });
        m.Hyperparameters = h.ToManifest(a.Val, a.Subset);
        m.Settings = s.ToManifest();
        run.SaveManifest();
    }

    private static ConnectOutcome Finished(RunDirectory run, ConnectSettings s)
    {
        var point = (run.Manifest.Midpoint ?? new MetricsSection()).ToPointMetrics();
        return new ConnectOutcome(run.Path, s.Curve, s.BendsOrDefault, point, [], 0, AlreadyComplete: true);
    }
}
