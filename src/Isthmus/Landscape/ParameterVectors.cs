namespace Isthmus.Landscape;

/// <summary>
/// Vectors of weight space held as one tensor per parameter (the layout of a network's point): inner products and
/// norms in float64 over all parameters, copies, and random directions — plain Gaussian, or filter-normalised
/// (Li et al. 2018).
/// </summary>
public static class ParameterVectors
{
    /// <summary>⟨a, b⟩ over all parameters.</summary>
    public static double Dot(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"Expected {a.Count} tensors, got {b.Count}.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var total = zeros(Array.Empty<long>(), ScalarType.Float64, a[0].device);
        for (int p = 0; p < a.Count; p++) total.add_(a[p].detach().to_type(ScalarType.Float64).mul(b[p].detach().to_type(ScalarType.Float64)).sum());
        return total.item<double>();
    }

    public static double Norm(IReadOnlyList<Tensor> a) => Math.Sqrt(Dot(a, a));

    /// <summary>‖a − b‖ over all parameters.</summary>
    public static double Distance(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b)
    {
        using var scope = NewDisposeScope();
        var difference = a.Zip(b, (x, y) => x.detach().to_type(ScalarType.Float64) - y.detach().to_type(ScalarType.Float64)).ToArray();
        return Norm(difference);
    }

    /// <summary>Detached copies that outlive every dispose scope; the caller disposes them.</summary>
    public static Tensor[] Clone(IReadOnlyList<Tensor> a)
    {
        using var _ = no_grad();
        return a.Select(t => t.detach().clone().DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Scales every tensor of <paramref name="a"/> in place.</summary>
    public static void Scale(IReadOnlyList<Tensor> a, double factor)
    {
        using var _ = no_grad();
        foreach (var t in a) t.mul_(factor);
    }

    /// <summary>
    /// A random direction shaped like <paramref name="weights"/>, outside every dispose scope. Plain: Gaussian,
    /// scaled to unit norm over all parameters, so a distance along it is in weight-space units. Filter-normalised
    /// (Li et al. 2018): every filter — row of a weight tensor along its first dimension: a neuron's incoming
    /// weights, a convolution's output channel — is rescaled to the norm of the same filter of the weights, and
    /// one-dimensional tensors (biases, batch-norm γ and β) get no component; a distance along it is then relative
    /// to the weights' own scale.
    /// </summary>
    public static Tensor[] RandomDirection(IReadOnlyList<Tensor> weights, Generator generator, bool filterNormalize)
    {
        using var _ = no_grad();
        var direction = weights.Select(w => randn(w.shape, ScalarType.Float32, w.device, generator: generator).DetachFromDisposeScope()).ToArray();
        if (!filterNormalize)
        {
            Scale(direction, 1.0 / Norm(direction));
            return direction;
        }
        using var scope = NewDisposeScope();
        for (int p = 0; p < direction.Length; p++)
        {
            var d = direction[p];
            if (d.dim() < 2)
            {
                d.zero_();
                continue;
            }
            var rows = d.flatten(1);
            var target = weights[p].detach().flatten(1).norm(1, keepdim: true);
            rows.mul_(target.div(rows.norm(1, keepdim: true).clamp_min(1e-12)));
        }
        return direction;
    }

    public static void Dispose(IEnumerable<Tensor> a)
    {
        foreach (var t in a) t.Dispose();
    }
}
