using Isthmus.Space;

namespace Isthmus.Nn.Layers;

/// <summary>y = x·Wᵀ + b with W and b read from the weight space (PyTorch's <c>nn.Linear</c>, same names and init).</summary>
/// <remarks>
/// With P points stacked in the space (<see cref="WeightSpace.MoveToStack"/>) it reads W as [P, out, in] and returns
/// [P, B, out]: the input is either [B, in], shared by every point (the network's input), or [P, B, in], one per
/// point. A point's own input is multiplied by its own weights as the one-point product does; a shared input is
/// multiplied once per control point and the points' outputs combined from those (equal up to rounding; see SharedInput).
/// </remarks>
public sealed class Linear
{
    private readonly Network _net;
    private readonly int _weight;
    private readonly int _bias = -1;
    private readonly string _name;

    public Linear(LayerBuilder b, string name, long inFeatures, long outFeatures, bool bias = true, Init? weightInit = null)
    {
        _net = b.Network;
        _name = name;
        var init = Init.PyTorchDefault(inFeatures);
        _weight = b.Parameter($"{name}.weight", [outFeatures, inFeatures], weightInit ?? init);
        if (bias) _bias = b.Parameter($"{name}.bias", [outFeatures], weightInit is { Kind: InitKind.Normal } ? Init.Constant(0) : init);
    }

    public Tensor Forward(Tensor x)
    {
        var space = _net.Space;
        if (space.Stacked == 0)
            return _net.Tap(_name, nn.functional.linear(_net.CastForProduct(x), _net.CastForProduct(space.Point(_weight)), _bias >= 0 ? _net.CastForProduct(space.Point(_bias)) : null));
        if (x.dim() == 2) return SharedInput(space, x);
        var wt = space.StackedPoint(_weight).transpose(1, 2);
        // TorchSharp's a.baddbmm(b, c) is c + a·b (PyTorch's torch.baddbmm(c, a, b)).
        return _bias >= 0 ? x.baddbmm(wt, space.StackedPoint(_bias).unsqueeze(1)) : x.bmm(wt);
    }

    /// <summary>
    /// Stacked points with an input they all share (the network's first layer): y is linear in (W, b) = Σ_k c_k·(θ_k, β_k),
    /// so the product is taken once per control point, z_k = x·θ_kᵀ + β_k (the same batched product a one-point stack of
    /// that control point takes), and each point's output is combined from the K of them: K products instead of P (an
    /// MLP's first layer is half its work). The bias rides in z_k when every point's coefficients sum to 1 (curves,
    /// planes, simplices), and is added per point otherwise. On the CPU each point's row is combined by the fused pass
    /// of <see cref="WeightSpace.MoveTo"/>, so a point's output does not depend on which points share its stack (shards
    /// merge to exactly the unsharded numbers), and a control point itself (c = e_k) is bitwise its z_k.
    /// </summary>
    private Tensor SharedInput(WeightSpace space, Tensor x)
    {
        var controls = space.ControlStack(_weight);                  // [K, out, in]
        long k = controls.shape[0], batch = x.shape[0], outFeatures = controls.shape[1];
        int p = space.Stacked;
        var coefficients = space.StackedCoefficientRows;
        bool affine = coefficients.All(c => Math.Abs(c.Sum() - 1.0) < 1e-9);
        var wt = controls.transpose(1, 2);
        var xs = x.expand(k, batch, x.shape[1]);
        // TorchSharp's a.baddbmm(b, c) is c + a·b (PyTorch's torch.baddbmm(c, a, b)).
        var z = _bias >= 0 && affine ? xs.baddbmm(wt, space.ControlStack(_bias).unsqueeze(1)) : xs.bmm(wt); // [K, B, out]
        Tensor y;
        if (Platform.FusedKernels.Supports(z))
        {
            y = empty([p, batch, outFeatures], z.dtype, z.device);
            var rows = Enumerable.Range(0, (int)k).Select(i => z[i]).ToArray();
            for (int q = 0; q < p; q++)
                using (var row = y[q])
                    Platform.FusedKernels.Combine(row, rows, coefficients[q]);
            foreach (var r in rows) r.Dispose();
        }
        else
        {
            using var c = tensor(coefficients.SelectMany(row => row.Select(v => (float)v)).ToArray(), [p, k], device: z.device);
            y = c.matmul(z.view(k, batch * outFeatures)).view(p, batch, outFeatures);
        }
        return _bias >= 0 && !affine ? y.add_(space.StackedPoint(_bias).unsqueeze(1)) : y;
    }
}
