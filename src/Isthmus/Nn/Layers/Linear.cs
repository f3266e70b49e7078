using Isthmus.Space;
using static TorchSharp.torch;

namespace Isthmus.Nn.Layers;

/// <summary>y = x·Wᵀ + b with W and b read from the weight space (PyTorch's <c>nn.Linear</c>, same names and init).</summary>
/// <remarks>
/// With P points stacked in the space (<see cref="WeightSpace.MoveToStack"/>) it reads W as [P, out, in] and returns
/// [P, B, out]: the input is either [B, in], shared by every point (the network's input), or [P, B, in], one per
/// point. The batched product computes each point exactly as the one-point product does.
/// </remarks>
public sealed class Linear
{
    private readonly Network _net;
    private readonly int _weight;
    private readonly int _bias = -1;

    public Linear(LayerBuilder b, string name, long inFeatures, long outFeatures, bool bias = true, Init? weightInit = null)
    {
        _net = b.Network;
        var init = Init.PyTorchDefault(inFeatures);
        _weight = b.Parameter($"{name}.weight", [outFeatures, inFeatures], weightInit ?? init);
        if (bias) _bias = b.Parameter($"{name}.bias", [outFeatures], weightInit is { Kind: InitKind.Normal } ? Init.Constant(0) : init);
    }

    public Tensor Forward(Tensor x)
    {
        var space = _net.Space;
        if (space.Stacked == 0)
            return nn.functional.linear(_net.CastForProduct(x), _net.CastForProduct(space.Point(_weight)), _bias >= 0 ? _net.CastForProduct(space.Point(_bias)) : null);
        var w = space.StackedPoint(_weight);
        if (x.dim() == 2) x = x.expand(w.shape[0], x.shape[0], x.shape[1]);
        var wt = w.transpose(1, 2);
        // TorchSharp's a.baddbmm(b, c) is c + a·b (PyTorch's torch.baddbmm(c, a, b)).
        return _bias >= 0 ? x.baddbmm(wt, space.StackedPoint(_bias).unsqueeze(1)) : x.bmm(wt);
    }
}
