using Isthmus.Space;

namespace Isthmus.Training;

/// <summary>
/// Gradient-norm clipping (Pascanu et al. 2013; Zaremba et al. 2014 clip word-level LSTMs at 5): when the gradient's
/// Euclidean norm over all parameters exceeds the threshold, it is scaled down to it, as PyTorch's
/// <c>clip_grad_norm_</c> does (factor min(1, max / (‖g‖ + 1e-6))). What is clipped is the gradient of the loss at the
/// step's point φ(t), before weight decay is added; every control point's gradient is that one times c_k(t)
/// (Garipov et al. 2018, eq. (2) by the chain rule), so they all keep their direction. The factor stays on the device.
/// </summary>
public static class GradientClipping
{
    /// <summary>Scales the gradients of <paramref name="space"/>'s point in place so that their joint norm is at most
    /// <paramref name="maxNorm"/>; returns that norm before clipping (a scalar tensor in the caller's dispose scope).</summary>
    public static Tensor ClipPoint(WeightSpace space, double maxNorm)
    {
        if (!(maxNorm > 0) || !double.IsFinite(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The clipping threshold must be positive.");
        using var _ = no_grad();
        var grads = new List<Tensor>(space.Layout.Count);
        for (int p = 0; p < space.Layout.Count; p++)
            if (space.Point(p).grad is { } g) grads.Add(g);
        if (grads.Count == 0) return zeros(Array.Empty<long>(), ScalarType.Float32, space.Device);
        var norm = stack(grads.Select(g => g.norm()).ToArray()).norm();
        using var factor = (maxNorm / (norm + 1e-6)).clamp_max(1.0);
        foreach (var g in grads) g.mul_(factor);
        return norm;
    }
}
