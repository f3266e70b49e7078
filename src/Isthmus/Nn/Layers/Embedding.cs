using Isthmus.Space;

namespace Isthmus.Nn.Layers;

/// <summary>A lookup table read from the weight space (PyTorch's <c>nn.Embedding</c>; default init N(0, 1)).</summary>
public sealed class Embedding
{
    private readonly Network _net;
    private readonly int _weight;
    private readonly string _name;

    public Embedding(LayerBuilder b, string name, long count, long dim, Init? init = null)
    {
        _net = b.Network;
        _name = name;
        _weight = b.Parameter($"{name}.weight", [count, dim], init ?? Init.Normal(1));
    }

    /// <summary>
    /// Rows of the table for integer ids of any shape; the result has one more dimension. The rows, [ids, dim], are
    /// the layer's output as <see cref="Network.LayerOutput"/> sees it.
    /// </summary>
    public Tensor Forward(Tensor ids)
    {
        var table = _net.Space.Point(_weight);
        using var flat = ids.reshape(-1);
        using var rows = table.index_select(0, flat);
        var shape = ids.shape.Append(table.shape[1]).ToArray();
        var tapped = _net.Tap(_name, rows);
        if (ReferenceEquals(tapped, rows)) return rows.reshape(shape);
        using (tapped) return tapped.reshape(shape);
    }
}
