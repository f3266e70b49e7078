using Isthmus.Nn;
using Isthmus.Space;
using Isthmus.Storage;

namespace Isthmus.Runs;

/// <summary>
/// One network of an ensemble and where it comes from: a checkpoint (a <c>train</c> run's model, an FGE/SSE
/// <c>member-&lt;k&gt;.safetensors</c>, any PyTorch-named safetensors file) or a point of a trained curve.
/// <see cref="Members"/> finds them from command-line arguments.
/// </summary>
public abstract class MemberSource(string origin, NetworkKind kind)
{
    /// <summary>Where the member comes from, as the output names it: a path, or "curve DIR at t = 0.25".</summary>
    public string Origin { get; } = origin;

    public NetworkKind Kind { get; } = kind;

    /// <summary>Writes the member's weights into control point 0 of a one-control-point network of <see cref="Kind"/>.</summary>
    public abstract void LoadInto(Network net);

    public override string ToString() => Origin;
}

/// <summary>A member stored as a plain checkpoint (PyTorch state-dict names).</summary>
public sealed class CheckpointMember(string path, NetworkKind kind, string? origin = null) : MemberSource(origin ?? System.IO.Path.GetFullPath(path), kind)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public override void LoadInto(Network net) => Checkpoint.Load(Path, net);
}

/// <summary>
/// The point φ(t) of a curve trained by <c>connect</c> (docs/science.md §2, A.6): Σ_k c_k(t)·θ_k formed from the control
/// points in <c>curve.safetensors</c>. Its batch-norm statistics are recomputed like every member's.
/// </summary>
public sealed class CurvePointMember(string curveFile, CurveFamily family, double t, NetworkKind kind, string origin) : MemberSource(origin, kind)
{
    public double T { get; } = t;

    /// <summary>The curve's <c>curve.safetensors</c>, holding every control point.</summary>
    public string CurveFile { get; } = Path.GetFullPath(curveFile);

    public CurveFamily Family { get; } = family;

    /// <summary>True when <paramref name="other"/> is a point of the same curve (one weight space for both).</summary>
    public bool SameCurve(CurvePointMember other) => other.CurveFile == CurveFile && other.Family.Name == Family.Name && other.Family.ControlPoints == Family.ControlPoints;

    public override void LoadInto(Network net)
    {
        using var file = Safetensors.Load(CurveFile);
        var c = Family.Coefficients(T);
        using var _ = no_grad();
        for (int p = 0; p < net.Layout.Count; p++)
        {
            using var scope = NewDisposeScope();
            var name = net.Layout.Specs[p].Name;
            Tensor? point = null;
            for (int k = 0; k < c.Length; k++)
            {
                var key = SpaceFile.ControlName(k, name);
                if (!file.Tensors.TryGetValue(key, out var control))
                    throw new IsthmusException($"{CurveFile} lacks '{key}'; it holds another architecture or another number of bends.");
                var term = control.to_type(ScalarType.Float32).mul(c[k]);
                point = point is null ? term : point.add_(term);
            }
            net.Space.SetControl(0, p, point!);
        }
    }

    public static string Describe(string curveFolder, double t) =>
        string.Create(CultureInfo.InvariantCulture, $"{Path.GetFullPath(curveFolder)} at t = {t:0.####}");
}
