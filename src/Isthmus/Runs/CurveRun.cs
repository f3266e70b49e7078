using Isthmus.Nn;
using Isthmus.Space;
using Isthmus.Storage;

namespace Isthmus.Runs;

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

    private CurveRun(RunDirectory run) : base(run, CurveFile) { }

    public required CurveFamily Family { get; init; }
    public ArchitectureSpec Architecture => Kind.Architecture;
    public string Data => Kind.Data;

    /// <summary>The train run of control point <paramref name="k"/>, as recorded (endpoints only).</summary>
    public string? Source(int k) => Run.Manifest.Space?.ControlPoints is { } points && k < points.Count ? points[k].Source : null;

    /// <summary>n + 2: the endpoints and the bends.</summary>
    public override int ControlPoints => Family.ControlPoints;

    public static CurveRun Open(string path)
    {
        var (run, space) = OpenFinished(path, "curve", CurveFile,
            $"{path} is not a curve run (made by `isthmus connect`); pass a connect --out folder, or use --segment RUN_A RUN_B.",
            status => $"{path} has not finished training its curve (status '{status}'); finish it with `isthmus connect ... --out {path} --resume`.");
        return new CurveRun(run)
        {
            Family = CurveFamily.Create(space.Family ?? "", space.Bends ?? 0),
        };
    }
}
