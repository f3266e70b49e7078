using Isthmus.Runs;
using Isthmus.Space;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Methods;

/// <summary>
/// The result of <c>ConnectSetRecipe.Run</c>: the run folder, the complex, each connector's metrics with batch norm
/// recomputed for it (the subspace's full evaluation is <c>eval-set</c>'s), every epoch of the run.
/// </summary>
public sealed record ConnectSetOutcome(string RunPath, string Shape, int Modes, int Connectors, int Simplices,
    IReadOnlyList<Evaluation.PointMetrics> ConnectorMetrics, IReadOnlyList<EpochReport> Epochs, double Seconds, bool AlreadyComplete);

/// <summary>
/// <c>isthmus connect-set</c> (docs/science.md §5): N trained networks (modes, fixed) and M trainable connectors are the
/// K = N + M control points of one weight space, arranged into a simplicial complex (<see cref="SetShape"/>). Training
/// is eq. (2) generalised (<see cref="SimplexSampler"/>): per minibatch one simplex, one point in it with barycentric
/// weights ~ Dirichlet(1), an SGD step on the connectors, weight decay on the point. Writes <c>set.safetensors</c>
/// (every control point), metrics.csv (train columns: running means over the sampled points; test columns: the first
/// connector) and the manifest that <see cref="SetRun"/> reads back, with each connector scored, batch norm recomputed.
/// </summary>
public static class ConnectSetRecipe
{
    /// <param name="session">An open session (owned by the caller) on the modes' data set, or null to open one.</param>
    public static ConnectSetOutcome Run(ConnectSetSettings s, Session? session = null, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Validate(s);
        // The modes are checked before --out is touched, so a refused set leaves no folder behind.
        bool given = s.Modes.Count > 0;
        if (given) s = s with { Modes = s.Modes.Select(Path.GetFullPath).ToArray() };
        (var run, s, var modes) = RunDirectory.Claim(s, "connect-set", s.Out, s.Force, s.Resume, given, "--modes RUN_A RUN_B ...", OpenModes);
        if (run.IsComplete) return Finished(run, s);
        var first = modes![0];
        s = s with { WeightDecay = s.WeightDecay ?? first.WeightDecay };

        using var opened = Session.OpenFor(first.Kind, s, session, log);
        session ??= opened!;
        using var net = session.Build(first.Architecture, modes.Count + s.Connectors, s.Seed);
        using var space = net.Space;
        for (int i = 0; i < modes.Count; i++)
        {
            Checkpoint.Load(modes[i].ModelPath, net, controlPoint: i);
            space.SetTrainable(i, false);
        }
        var complex = Arrange(space, s.Shape, modes.Count, s.Connectors);
        var sampler = new SimplexSampler(complex, s.SampleBy, s.VolumeWeight);
        sampler.MoveToReportedPoint(space);
        var h = s.Hyperparameters(s.WeightDecay.Value);
        Describe(run, s, complex, modes, session, net, h, sampler);
        var history = SpaceTraining.Run(run, net, session, h, sampler, progress, log, ct);

        log?.Invoke($"Evaluating the connectors{(net.HasBatchNorm ? " (batch norm recomputed)" : "")}...");
        var evaluator = session.Evaluator(h.WeightDecay);
        var connectors = Enumerable.Range(complex.Modes, complex.Connectors).Select(k =>
        {
            space.MoveTo(complex.Vertex(k));
            return evaluator.Evaluate(net, ct);
        }).ToList();
        SpaceFile.Save(run.File(SetRun.SetFile), net, new Dictionary<string, string> { ["isthmus.set"] = complex.Shape });
        bool text = session.Data.Kind == Data.DataKind.Text;
        run.Manifest.SetSection(ManifestKey.Connectors, new JsonArray(connectors.Select((p, m) =>
        {
            var o = new JsonObject { ["name"] = complex.VertexName(complex.Modes + m) };
            foreach (var (key, value) in MetricsSection.Json(p.TrainLoss, p.Train, p.Test, text).ToList()) o[key] = value?.DeepClone();
            return (JsonNode)o;
        }).ToArray()));
        run.Manifest.SetSection(ManifestKey.Timing, TrainingRecord.Timing(history));
        run.Complete();
        ResumeState.Delete(run);
        return new ConnectSetOutcome(run.Path, complex.Shape, complex.Modes, complex.Connectors, complex.Simplices.Count, connectors, history, clock.Elapsed.TotalSeconds, AlreadyComplete: false);
    }

    /// <summary>
    /// Builds the complex over the modes already loaded into rows 0 … N−1 of <paramref name="space"/> (distances from
    /// their Gram matrix) and places every connector at its starting centroid.
    /// </summary>
    public static SimplicialComplex Arrange(WeightSpace space, string shape, int modes, int connectors)
    {
        var gram = ControlGram.Of(space);
        double[] Padded(IReadOnlyList<double> weights)
        {
            var c = new double[space.ControlPointCount];
            for (int i = 0; i < weights.Count; i++) c[i] = weights[i];
            return c;
        }
        var complex = SetShape.Build(shape, modes, connectors, (a, b) => gram.Distance(Padded(a), Padded(b)));
        for (int m = 0; m < connectors; m++)
        {
            space.MoveTo(complex.ConnectorStart(m));
            for (int p = 0; p < space.Layout.Count; p++) space.SetControl(modes + m, p, space.Point(p));
        }
        return complex;
    }

    /// <summary>The modes of a set, refusing fewer than two, a run named twice, or any that cannot share one weight space with the first.</summary>
    private static IReadOnlyList<TrainedRun> OpenModes(ConnectSetSettings s) =>
        s.Modes.Count < 2
            ? throw new IsthmusException($"A set needs at least two modes (got {s.Modes.Count}); pass two or more train runs to --modes.")
            : TrainedRun.OpenAll(s.Modes, "join", "--modes", BareCheckpoints.Of(s.Data, s.Model, s.WeightDecay));

    private static void Validate(ConnectSetSettings s)
    {
        s.Hyperparameters(s.WeightDecay ?? 0).Validate();
        if (s.Modes.Count > 0) SetShape.Check(s.Shape, s.Modes.Count, s.Connectors);
        SimplexSampler.Check(s.SampleBy, s.VolumeWeight);
    }

    private static void Describe(RunDirectory run, ConnectSetSettings s, SimplicialComplex complex, IReadOnlyList<TrainedRun> modes, Session session, Nn.Network net,
        SgdHyperparameters h, SimplexSampler sampler)
    {
        var m = run.Manifest;
        session.Describe(m, s.CommandLine, net.Spec);
        m.Space = SetRun.Space(complex, modes.Select(r => r.Path).ToArray(), net.Layout.TotalElements, s.SampleBy, s.VolumeWeight, sampler.Name);
        m.SetSection(ManifestKey.Modes, new JsonArray(modes.Select((r, i) => (JsonNode)new JsonObject
        {
            ["name"] = complex.VertexName(i),
            ["run"] = r.Path,
            ["test_error"] = r.Final?.TestError,
        }).ToArray()));
        m.Hyperparameters = h.ToManifest(modes[0].Val, modes[0].Subset);
        m.Settings = s.ToManifest();
        run.SaveManifest();
    }

    private static ConnectSetOutcome Finished(RunDirectory run, ConnectSetSettings s)
    {
        var connectors = (run.Manifest.Section(ManifestKey.Connectors) as JsonArray ?? [])
            .Select(c => (c.Deserialize<MetricsSection>(Json.Options) ?? new MetricsSection()).ToPointMetrics()).ToList();
        var simplices = run.Manifest.Space?.Simplices?.Count ?? 0;
        return new ConnectSetOutcome(run.Path, s.Shape, s.Modes.Count, s.Connectors, simplices, connectors, [], 0, AlreadyComplete: true);
    }
}
