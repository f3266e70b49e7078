using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Runs.Sharding;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// The three weight vectors a <c>plane</c> goes through, however they were named: three control points of a curve run
/// (<c>--run</c>: start, the bend nearest the middle, end, or <c>--bends-used</c>) or three train runs (<c>--points</c>).
/// Read from the run folders alone; <see cref="Load"/> builds the network with every control point once the data is in memory.
/// </summary>
/// <param name="Chosen">The three control points that span the plane.</param>
/// <param name="Files">The weights evaluated, hashed into the grid's job.</param>
internal sealed record PlaneSource(PlaneSettings Settings, NetworkKind Network, double WeightDecay, CurveRun? Curve,
    IReadOnlyList<TrainedRun>? Runs, int[] Chosen, IReadOnlyList<string> Files)
{
    public static PlaneSource Of(PlaneSettings s)
    {
        if (s.Run is not null)
        {
            var curve = CurveRun.Open(s.Run);
            return new PlaneSource(s, curve.Kind, curve.WeightDecay, curve, null, Choose(curve, s.BendsUsed), [curve.Run.File(CurveRun.CurveFile)]);
        }
        if (s.Points!.Count != 3) throw new IsthmusException($"--points takes three train runs (got {s.Points.Count}).");
        var runs = TrainedRun.OpenAll(s.Points, "put on one plane", "--points", BareCheckpoints.Of(s.Data, s.Model));
        return new PlaneSource(s, runs[0].Kind, runs[0].WeightDecay, null, runs, [0, 1, 2], runs.Select(r => r.ModelPath).ToArray());
    }

    public IReadOnlyList<string> Sources => Settings.Points ?? [Settings.Run!];

    /// <summary>The manifest sections of a new plane folder.</summary>
    public JsonObject Sections => RunManifest.Sections(Settings.CommandLine, Network.Architecture, new DataSection { Name = Network.Data },
        new SpaceSection { Kind = "plane", Sources = Sources.Select(Path.GetFullPath).ToList() },
        new JsonObject { ["grid"] = Settings.Grid, ["margin"] = Settings.Margin, ["bn_batches"] = Settings.BatchNormBatches?.ToString() ?? "all" });

    /// <summary>Where the results go: the curve run itself, a new --out folder, or with --shard the shard's own folder.</summary>
    public GridOutput Output() => GridOutput.Open(new GridRequest(PlaneRecipe.Command, Settings.Shard, Settings.Grid * Settings.Grid, "grid points",
        Settings.Out, Settings.Force, Curve?.Run.Path, Sections, "--points needs --out DIR (a new folder for the plane).", Sources,
        Settings.CommandLine, Settings.Resume));

    /// <summary>The network with every control point (the curve's, or the three runs' weights) loaded.</summary>
    public Network Load(Session session)
    {
        if (Curve is not null) return session.Load(Curve);
        var net = session.Build(Network.Architecture, controlPoints: 3, seed: 0);
        for (int k = 0; k < 3; k++) Checkpoint.Load(Runs![k].ModelPath, net, k);
        return net;
    }

    /// <summary>The marker label of control point <paramref name="k"/> of <paramref name="count"/>.</summary>
    public string Label(int k, int count)
    {
        if (Curve is null) return $"w{k + 1} ({Path.GetFileName(Runs![k].Path)})";
        return k == 0 ? "start" : k == count - 1 ? "end" : count == 3 ? "bend" : $"bend {k}";
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
}
