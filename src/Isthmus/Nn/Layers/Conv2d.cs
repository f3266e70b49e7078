using Isthmus.Platform;
using Isthmus.Space;

namespace Isthmus.Nn.Layers;

/// <summary>2-D convolution with weights read from the weight space (PyTorch's <c>nn.Conv2d</c>, same names and default init).</summary>
public sealed class Conv2d
{
    private readonly Network _net;
    private readonly int _weight;
    private readonly int _bias = -1;
    private readonly long[] _stride;
    private readonly long[] _padding;

    public long OutChannels { get; }

    /// <param name="weightInit">Overrides PyTorch's default, e.g. the He normal init VGG and ResNets use; biases are then zero.</param>
    public Conv2d(LayerBuilder b, string name, long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool bias = true, Init? weightInit = null)
    {
        _net = b.Network;
        OutChannels = outChannels;
        var fanIn = inChannels * kernel * kernel;
        var init = Init.PyTorchDefault(fanIn);
        _weight = b.Parameter($"{name}.weight", [outChannels, inChannels, kernel, kernel], weightInit ?? init);
        if (bias) _bias = b.Parameter($"{name}.bias", [outChannels], weightInit is null ? init : Init.Constant(0));
        _stride = [stride, stride];
        _padding = [padding, padding];
    }

    /// <summary>Spatial size of the output for an input of size <paramref name="size"/>.</summary>
    public long OutputSize(long size, long kernel) => (size + 2 * _padding[0] - kernel) / _stride[0] + 1;

    public Tensor Forward(Tensor x)
    {
        bool keep = _net.Autocast is not null && !Precision.Bf16ConvolutionIsSound(x.device, x.shape[1], OutChannels, x.requires_grad);
        return nn.functional.conv2d(_net.CastForProduct(x, keep), _net.CastForProduct(_net.Space.Point(_weight), keep),
            _bias >= 0 ? _net.CastForProduct(_net.Space.Point(_bias), keep) : null, _stride, _padding);
    }
}
