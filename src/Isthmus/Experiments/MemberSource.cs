using System.Globalization;
using Isthmus.Nn;
using Isthmus.Space;
using Isthmus.Storage;
using static TorchSharp.torch;

namespace Isthmus.Experiments;

/// <summary>What a member is: its architecture and the data it was trained on (name, <c>--val</c>, <c>--subset</c>).</summary>
public sealed record MemberKind(ArchitectureSpec Architecture, string Data, int Val = 0, int Subset = 0)
{
    /// <summary>"mlp(widths=256) on mnist --subset 2000".</summary>
    public string Describe() =>
        $"{Architecture} on {Data}" + (Val == 0 ? "" : $" --val {Val}") + (Subset == 0 ? "" : $" --subset {Subset}");

    /// <summary>The kind a run folder's manifest records; null when the folder has no manifest.</summary>
    public static MemberKind? FromManifest(string folder)
    {
        if (!File.Exists(Path.Combine(folder, RunDirectory.ManifestFile))) return null;
        var run = RunDirectory.Open(folder);
        var h = run.Manifest["hyperparameters"];
        var data = run.Manifest["data"]?["name"]?.GetValue<string>();
        if (run.Manifest["architecture"] is null || data is null) return null;
        return new MemberKind(Manifests.ReadArchitecture(run.Manifest["architecture"], folder), data,
            h?["val"]?.GetValue<int>() ?? 0, h?["subset"]?.GetValue<int>() ?? 0);
    }
}

/// <summary>
/// One network of an ensemble and where it comes from: a checkpoint (a <c>train</c> run's model, an FGE/SSE
/// <c>member-&lt;k&gt;.safetensors</c>, any PyTorch-named safetensors file) or a point of a trained curve.
/// <see cref="Members"/> finds them from command-line arguments.
/// </summary>
public abstract class MemberSource(string origin, MemberKind kind)
{
    /// <summary>Where the member comes from, as the output names it: a path, or "curve DIR at t = 0.25".</summary>
    public string Origin { get; } = origin;

    public MemberKind Kind { get; } = kind;

    /// <summary>Writes the member's weights into control point 0 of a one-control-point network of <see cref="Kind"/>.</summary>
    public abstract void LoadInto(Network net);

    public override string ToString() => Origin;
}

/// <summary>A member stored as a plain checkpoint (PyTorch state-dict names).</summary>
public sealed class CheckpointMember(string path, MemberKind kind, string? origin = null) : MemberSource(origin ?? System.IO.Path.GetFullPath(path), kind)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public override void LoadInto(Network net) => Checkpoint.Load(Path, net);
}

/// <summary>
/// The point φ(t) of a curve trained by <c>connect</c> (docs/science.md §2, A.6): Σ_k c_k(t)·θ_k formed from the control
/// points in <c>curve.safetensors</c>. Its batch-norm statistics are recomputed like every member's.
/// </summary>
public sealed class CurvePointMember(string curveFile, CurveFamily family, double t, MemberKind kind, string origin) : MemberSource(origin, kind)
{
    public double T { get; } = t;

    public override void LoadInto(Network net)
    {
        using var file = Safetensors.Load(curveFile);
        var c = family.Coefficients(T);
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
                    throw new IsthmusException($"{curveFile} lacks '{key}'; it holds another architecture or another number of bends.");
                var term = control.to_type(ScalarType.Float32).mul(c[k]);
                point = point is null ? term : point.add_(term);
            }
            net.Space.SetControl(0, p, point!);
        }
    }

    public static string Describe(string curveFolder, double t) =>
        string.Create(CultureInfo.InvariantCulture, $"{Path.GetFullPath(curveFolder)} at t = {t:0.####}");
}
