using Isthmus.Space;
using static TorchSharp.torch;

namespace Isthmus.Nn.Layers;

/// <summary>y = x·Wᵀ + b with W and b read from the weight space (PyTorch's <c>nn.Linear</c>, same names and init).</summary>
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

    public Tensor Forward(Tensor x) =>
        nn.functional.linear(x, _net.Space.Point(_weight), _bias >= 0 ? _net.Space.Point(_bias) : null);
}
