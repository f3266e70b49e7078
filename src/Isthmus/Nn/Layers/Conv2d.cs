using Isthmus.Platform;
using Isthmus.Space;

namespace Isthmus.Nn.Layers;

/// <summary>2-D convolution with weights read from the weight space (PyTorch's <c>nn.Conv2d</c>, same names and default init).</summary>
/// <remarks>
/// With P points stacked in the space (<see cref="WeightSpace.MoveToStack"/>) activations are [B, P·C, H, W], point q's
/// channels at q·C…q·C+C−1, and the P points' kernels [P, out, in, k, k] are one kernel of P·out output channels: over
/// the network's input, which every point shares ([B, in, H, W]), one ordinary convolution; over stacked activations,
/// each point's channels meet only its own kernel (the work of a grouped convolution with P groups).
/// </remarks>
public sealed class Conv2d
{
    private readonly Network _net;
    private readonly int _weight;
    private readonly int _bias = -1;
    private readonly long[] _stride;
    private readonly long[] _padding;
    private readonly string _name;

    public long OutChannels { get; }

    /// <param name="weightInit">Overrides PyTorch's default, e.g. the He normal init VGG and ResNets use; biases are then zero.</param>
    public Conv2d(LayerBuilder b, string name, long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool bias = true, Init? weightInit = null)
    {
        _net = b.Network;
        _name = name;
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
        var space = _net.Space;
        if (space.Stacked > 0) return StackedForward(space, x);
        bool keep = _net.Autocast is not null && !Precision.Bf16ConvolutionIsSound(x.device, x.shape[1], OutChannels, x.requires_grad);
        return _net.Tap(_name, nn.functional.conv2d(_net.CastForProduct(x, keep), _net.CastForProduct(_net.Space.Point(_weight), keep),
            _bias >= 0 ? _net.CastForProduct(_net.Space.Point(_bias), keep) : null, _stride, _padding));
    }

    private Tensor StackedForward(WeightSpace space, Tensor x)
    {
        int p = space.Stacked;
        var w = space.StackedPoint(_weight);                          // [P, out, in, k, k]
        long inChannels = w.shape[2];
        long groups = x.shape[1] == inChannels ? 1 : p;                // shared input, or one input per point
        if (groups > 1 && x.shape[1] != p * inChannels)
            throw new InvalidOperationException($"A stacked convolution expects {inChannels} or {p * inChannels} input channels, got {x.shape[1]}.");
        if (groups == 1)
        {
            using var kernel = w.reshape(p * OutChannels, inChannels, w.shape[3], w.shape[4]);
            using var bias = _bias >= 0 ? space.StackedPoint(_bias).reshape(p * OutChannels) : null;
            return nn.functional.conv2d(x, kernel, bias, _stride, _padding);
        }
        // One convolution per point over its own channels, joined: libtorch's grouped convolution on the CPU ran at
        // about half the speed of P separate ones for 4 to 8 groups (docs/performance.md).
        var parts = new Tensor[p];
        for (int q = 0; q < p; q++)
            using (var input = x.narrow(1, q * inChannels, inChannels))
            using (var wq = w[q])
            using (var bq = _bias >= 0 ? space.StackedPoint(_bias)[q] : null)
                parts[q] = nn.functional.conv2d(input, wq, bq, _stride, _padding);
        var y = cat(parts, 1);
        foreach (var part in parts) part.Dispose();
        return y;
    }
}
