using Isthmus.Nn;
using Isthmus.Storage;

namespace Isthmus.Evaluation;

/// <summary>
/// The uncorrected baseline of Jordan et al. (2022, §3): a point between control points gets the same interpolation of
/// their batch-norm running statistics as of their weights, Σ_k c_k·μ_k and Σ_k c_k·σ²_k, instead of statistics
/// recomputed for it. This is what interpolating two PyTorch state dicts entry by entry gives, and it shows the
/// variance collapse that recomputing the statistics (docs/science.md §1) or REPAIR corrects. Attach it to a
/// <see cref="PointEvaluator"/>, which then applies it at every point in place of the recomputation.
/// </summary>
public sealed class InterpolatedStatistics : IDisposable
{
    private readonly Dictionary<string, Tensor>[] _controls;

    private InterpolatedStatistics(Dictionary<string, Tensor>[] controls) => _controls = controls;

    /// <summary>
    /// The running statistics of each control point, read from its checkpoint <paramref name="files"/>[k] (loading it
    /// again into control point k of <paramref name="net"/>, which must already hold it).
    /// </summary>
    public static InterpolatedStatistics Load(Network net, IReadOnlyList<string> files)
    {
        if (files.Count != net.Space.ControlPointCount)
            throw new ArgumentException($"{files.Count} checkpoints for {net.Space.ControlPointCount} control points.", nameof(files));
        var controls = new Dictionary<string, Tensor>[files.Count];
        for (int k = 0; k < files.Count; k++)
        {
            Checkpoint.Load(files[k], net, k);
            controls[k] = net.Buffers.All.Where(b => b.Tensor.is_floating_point())
                .ToDictionary(b => b.Name, b => b.Tensor.clone().DetachFromDisposeScope(), StringComparer.Ordinal);
        }
        return new InterpolatedStatistics(controls);
    }

    /// <summary>Sets the network's running statistics to the interpolation for its space's current coefficients.</summary>
    public void Apply(Network net)
    {
        var c = net.Space.Coefficients;
        using var scope = NewDisposeScope();
        var mixed = _controls[0].Keys.ToDictionary(name => name,
            name => Enumerable.Range(0, c.Count).Select(k => _controls[k][name] * c[k]).Aggregate((a, b) => a + b), StringComparer.Ordinal);
        net.Buffers.CopyFrom(mixed);
    }

    public void Dispose()
    {
        foreach (var control in _controls)
            foreach (var t in control.Values) t.Dispose();
    }
}
