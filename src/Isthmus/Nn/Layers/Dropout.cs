namespace Isthmus.Nn.Layers;

/// <summary>Dropout, active only in train mode (PyTorch's <c>nn.Dropout</c>).</summary>
public sealed class Dropout(LayerBuilder b, double p = 0.5)
{
    private readonly Network _net = b.Network;

    public Tensor Forward(Tensor x) => p > 0 ? nn.functional.dropout(x, p, _net.Training) : x;
}
