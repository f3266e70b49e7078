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
public sealed class CurveRun : SpaceRun
{
    public const string CurveFile = "curve.safetensors";

    public required CurveFamily Family { get; init; }
    public ArchitectureSpec Architecture => Origin.Architecture;
    public string Data => Origin.Data;
    public int Val => Origin.Val;
    public double WeightDecay => Origin.WeightDecay;
    /// <summary>The endpoints' <c>--subset</c> (0 = the whole training split); evaluate on the same data.</summary>
    public int Subset => Origin.Subset;

    protected override string SpaceFileName => CurveFile;
    /// <summary>n + 2: the endpoints and the bends.</summary>
    protected override int ControlPoints => Family.ControlPoints;

    public static CurveRun Open(string path)
    {
        var (run, space) = OpenFinished(path, "curve", CurveFile,
            $"{path} is not a curve run (made by `isthmus connect`); pass a connect --out folder, or use --segment RUN_A RUN_B.",
            status => $"{path} has not finished training its curve (status '{status}'); finish it with `isthmus connect ... --out {path} --resume`.");
        return new CurveRun
        {
            Run = run,
            Origin = RunOrigin.Read(run),
            Family = CurveFamily.Create(space["family"]!.GetValue<string>(), space["bends"]!.GetValue<int>()),
        };
    }
}
