using Isthmus.Nn;
using Isthmus.Space;
using Isthmus.Storage;

namespace Isthmus.Experiments;

/// <summary>
/// A finished (or running) <c>isthmus connect</c> folder, read back: its architecture, data, curve family and the
/// file holding every control point (<see cref="SpaceFile"/> format, <c>curve.safetensors</c>).
/// Manifest contract: <c>space.kind = "curve"</c>, <c>space.family</c>, <c>space.bends</c>,
/// <c>space.control_points[k]</c> = {name, fixed, source?}; <c>hyperparameters.wd</c>; <c>data.name</c>;
/// <c>hyperparameters.val</c>.
/// </summary>
public sealed class CurveRun
{
    public const string CurveFile = "curve.safetensors";

    public required RunDirectory Run { get; init; }
    public required ArchitectureSpec Architecture { get; init; }
    public required CurveFamily Family { get; init; }
    public required string Data { get; init; }
    public required int Val { get; init; }
    public required double WeightDecay { get; init; }
    /// <summary>The endpoints' <c>--subset</c> (0 = the whole training split); evaluate on the same data.</summary>
    public int Subset { get; init; }

    public static CurveRun Open(string path)
    {
        var run = RunDirectory.Open(path);
        var space = run.Manifest["space"];
        if (space?["kind"]?.GetValue<string>() != "curve")
            throw new IsthmusException($"{path} is not a curve run (made by `isthmus connect`); pass a connect --out folder, or use --segment RUN_A RUN_B.");
        if (run.Status != "complete" || !File.Exists(run.File(CurveFile)))
            throw new IsthmusException($"{path} has not finished training its curve (status '{run.Status}'); finish it with `isthmus connect ... --out {path} --resume`.");
        var origin = RunOrigin.Read(run);
        return new CurveRun
        {
            Run = run,
            Architecture = origin.Architecture,
            Family = CurveFamily.Create(space["family"]!.GetValue<string>(), space["bends"]!.GetValue<int>()),
            Data = origin.Data,
            Val = origin.Val,
            WeightDecay = origin.WeightDecay,
            Subset = origin.Subset,
        };
    }

    /// <summary>A network with the curve's n + 2 control points loaded, bound to <paramref name="session"/>'s device.</summary>
    public Network Load(Session session)
    {
        var net = session.Build(Architecture, Family.ControlPoints, seed: 0);
        SpaceFile.Load(Run.File(CurveFile), net);
        return net;
    }
}
