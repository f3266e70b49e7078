using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Runs.Sharding;
using Isthmus.Space;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// What one <c>eval-curve</c> evaluates, however it was named: a trained curve (<c>--run</c>), the straight segment
/// between two train runs (<c>--segment</c>), or the trivial curve through one network (<c>--curve trivial</c>, A.8).
/// Read from the run folders alone; <see cref="Load"/> builds the network once the data is in memory.
/// </summary>
/// <param name="Kind">The manifest's space kind of a new results folder.</param>
/// <param name="InPlace">The curve run, where results go without --out; null for segments and trivial curves.</param>
/// <param name="Files">The weights evaluated, hashed into the shard job.</param>
/// <param name="Sources">The runs named on the command line.</param>
internal sealed record CurveTarget(EvalCurveSettings Settings, string Kind, string Family, int? Bends, string? StartRun, string? EndRun,
    NetworkKind Network, double WeightDecay, string? InPlace, IReadOnlyList<string> Files, IReadOnlyList<string> Sources,
    Func<Session, LoadedCurve> Load)
{
    public static CurveTarget Of(EvalCurveSettings s) =>
        s.Run is not null ? Curve(s) : s.Segment is not null ? SegmentOf(s) : Trivial(s);

    /// <summary>The manifest sections of a new eval-curve folder.</summary>
    public JsonObject Sections => RunManifest.Sections(Settings.CommandLine, Network.Architecture, new DataSection { Name = Network.Data },
        new SpaceSection { Kind = Kind, Family = Family, Sources = Sources.Select(Path.GetFullPath).ToList() },
        new JsonObject { ["points"] = Settings.Points, ["bn_batches"] = Settings.BatchNormBatches?.ToString() ?? "all", ["repair"] = Settings.Repair, ["no_correction"] = Settings.NoCorrection });

    /// <summary>Where the results go: the curve run itself, a new --out folder, or with --shard the shard's own folder.</summary>
    public GridOutput Output() => GridOutput.Open(new GridRequest(EvalCurveRecipe.Command, Settings.Shard, Settings.Points, "points",
        Settings.Out, Settings.Force, InPlace, Sections, "--segment and --curve trivial need --out DIR (a new folder for the results).",
        Sources, Settings.CommandLine));

    private static CurveTarget Curve(EvalCurveSettings s)
    {
        var curve = CurveRun.Open(s.Run!);
        int last = curve.Family.ControlPoints - 1;
        return new CurveTarget(s, "curve", curve.Family.Name, curve.Family.Bends, curve.Source(0), curve.Source(last), curve.Kind,
            curve.WeightDecay, curve.Run.Path, [curve.Run.File(CurveRun.CurveFile)], [s.Run!],
            session => new LoadedCurve(session.Load(curve), curve.Family.Coefficients, space => space.SegmentBetween(0, last)));
    }

    private static CurveTarget SegmentOf(EvalCurveSettings s)
    {
        if (s.Segment!.Count != 2) throw new IsthmusException($"--segment takes two train runs (got {s.Segment.Count}).");
        var runs = TrainedRun.OpenAll(s.Segment, "evaluate the segment between", "--segment", BareCheckpoints.Of(s.Data, s.Model));
        return new CurveTarget(s, "segment", "segment", 0, runs[0].Path, runs[1].Path, runs[0].Kind, runs[0].WeightDecay,
            null, runs.Select(r => r.ModelPath).ToArray(), s.Segment, session =>
            {
                var net = session.Build(runs[0].Architecture, controlPoints: 2, seed: 0);
                for (int k = 0; k < 2; k++) Checkpoint.Load(runs[k].ModelPath, net, k);
                return new LoadedCurve(net, new Segment().Coefficients, null);
            });
    }

    private static CurveTarget Trivial(EvalCurveSettings s)
    {
        var run = TrainedRun.Open(s.TrivialFrom!);
        if (run.Architecture.Name is not ("mlp" or "lenet5" or "convfc" or "vgg16") || run.Architecture.Flag("bn"))
            throw new IsthmusException($"The trivial curve (A.8) needs a ReLU network without batch norm (mlp, lenet5, convfc or vgg16 without --bn); {s.TrivialFrom} holds {run.Architecture}.");
        return new CurveTarget(s, "trivial-curve", "trivial", null, null, run.Path, run.Kind, run.WeightDecay, null, [run.ModelPath],
            [s.TrivialFrom!], session =>
            {
                var net = ModelZoo.Build(run.Architecture, session.Shape);
                var rule = TrivialCurve.For(net.Layout);
                net.Bind(WeightSpace.CreateEmpty(net.Layout, rule.ControlPoints, session.Device));
                Checkpoint.Load(run.ModelPath, net, controlPoint: 0);
                rule.Arrange(net.Space);
                return new LoadedCurve(net, rule.Coefficients, null);
            });
    }
}

/// <summary>
/// A curve ready to evaluate: the network bound to the family's control points, the family's coefficients φ(t), and,
/// for a trained curve, how to build the segment between its endpoints (<c>--with-segment</c>). Disposes both.
/// </summary>
internal sealed class LoadedCurve(Network net, Func<double, double[]> coefficients, Func<WeightSpace, WeightSpace>? segmentOf) : IDisposable
{
    private readonly WeightSpace _space = net.Space;

    public Network Net => net;
    public Func<double, double[]> Coefficients => coefficients;

    /// <summary>Evaluates the segment between the curve's endpoints with <paramref name="evaluate"/>, then binds the curve again.</summary>
    public CurveEvaluation EvaluateSegment(Func<Network, Func<double, double[]>, CurveEvaluation> evaluate)
    {
        if (segmentOf is null) throw new InvalidOperationException("Only a trained curve has a segment between its endpoints to evaluate.");
        using var line = segmentOf(_space);
        net.Bind(line);
        try { return evaluate(net, new Segment().Coefficients); }
        finally { net.Bind(_space); }
    }

    public void Dispose()
    {
        net.Dispose();
        _space.Dispose();
    }
}
