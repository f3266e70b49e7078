using Isthmus.Space;

namespace Isthmus.Nn;

/// <summary>Hands layers the network they belong to, so they can declare parameters and buffers under PyTorch names.</summary>
public sealed class LayerBuilder
{
    internal LayerBuilder(Network network) => Network = network;

    internal Network Network { get; }

    internal int Parameter(string name, long[] shape, Init init) => Network.Layout.Declare(name, shape, init);
}
