
namespace Isthmus.Space;

/// <summary>The gradients of the control points, formed by hand from the point's (the chain rule for W = Σ_k c_k·θ_k).</summary>
public sealed partial class WeightSpace
{
    /// <summary>
    /// After a backward pass on the point, sets each trainable control tensor's gradient to
    /// c_k·(∂L/∂W + wd·W): weight decay acts on the point φ(t), not on the control points (docs/science.md §1). The point's
    /// own gradients are released (the next backward pass computes them afresh). A parameter the loss did not reach
    /// gives its control tensors a zero gradient. For K = 1 nothing is needed (the point is the control tensor; use
    /// the optimiser's weight decay).
    /// </summary>
    public void PushGradientsToControls(double weightDecay)
    {
        if (ControlPointCount == 1) return;
        using var _ = no_grad();
        int trainable = _trainable.Count(t => t);
        var grads = new Tensor[trainable];
        var scales = new double[trainable];
        for (int p = 0; p < Layout.Count; p++)
        {
            for (int k = 0, j = 0; k < ControlPointCount; k++)
                if (_trainable[k])
                {
                    grads[j] = _controlGrads![k][p];
                    scales[j++] = _coefficients[k];
                }
            var point = _point[p];
            using var g = point.grad;
            if (g is null)
            {
                foreach (var gk in grads) gk.zero_();
                continue;
            }
            point.grad = null;
            if (Platform.FusedKernels.Supports(g) && Platform.FusedKernels.Supports(point))
            {
                Platform.FusedKernels.DistributeGradient(g, point, weightDecay, grads, scales); // one pass
                continue;
            }
            if (weightDecay != 0.0) g.add_(point, alpha: weightDecay);
            for (int j = 0; j < grads.Length; j++) grads[j].copy_(g).mul_(scales[j]);
        }
    }

    /// <summary>Clears the gradients of the point and zeroes those of all control tensors.</summary>
    public void ZeroGradients()
    {
        if (ControlPointCount == 1)
        {
            foreach (var t in _point) t.grad?.zero_();
            return;
        }
        using var _ = no_grad();
        foreach (var t in _point) t.grad = null;
        _controlGradFlat!.zero_();
    }
}
