namespace Isthmus.Space;

/// <summary>
/// The trivial connecting curve of A.8 (docs/science.md §2) as a coefficient rule on a weight space: for a ReLU network
/// without batch norm with layers i = 1..L, W_i(t) = t·W_i and b_i(t) = t^i·b_i. Positive homogeneity makes the
/// logits t^L times the original ones, so predictions are the same for every t &gt; 0 while the loss changes — constant
/// accuracy alone is not mode connectivity.
/// </summary>
/// <remarks>
/// Control point 0 holds every weight with the biases zeroed; control point i (1..L) holds only layer i's bias.
/// Then φ(t) = t·θ_0 + Σ_i t^i·θ_i, i.e. c(t) = (t, t, t², …, t^L): the same <see cref="WeightSpace.MoveTo"/> as any curve.
/// Layers are counted in declaration order: each weight of rank ≥ 2 starts a layer, a bias belongs to the layer before it.
/// </remarks>
public sealed class TrivialCurve
{
    private TrivialCurve(int[] layerOf, int layers)
    {
        LayerOf = layerOf;
        Layers = layers;
    }

    /// <summary>For each parameter of the layout: its layer i (1..L) if it is a bias, 0 if it is a weight.</summary>
    public IReadOnlyList<int> LayerOf { get; }

    /// <summary>L, the number of layers.</summary>
    public int Layers { get; }

    /// <summary>L + 1.</summary>
    public int ControlPoints => Layers + 1;

    public static TrivialCurve For(ParameterLayout layout)
    {
        var layerOf = new int[layout.Count];
        int layer = 0;
        for (int p = 0; p < layout.Count; p++)
        {
            var spec = layout.Specs[p];
            if (spec.Name.EndsWith(".weight", StringComparison.Ordinal) && spec.Shape.Length >= 2) { layer++; layerOf[p] = 0; }
            else if (spec.Name.EndsWith(".bias", StringComparison.Ordinal) && spec.Shape.Length == 1 && layer > 0) layerOf[p] = layer;
            else throw new IsthmusException($"The trivial curve needs a plain ReLU network of weight/bias layers, but parameter '{spec.Name}' {spec.ShapeText} is neither.");
        }
        return new TrivialCurve(layerOf, layer);
    }

    /// <summary>c(t) = (t, t¹, t², …, t^L).</summary>
    public double[] Coefficients(double t)
    {
        var c = new double[ControlPoints];
        c[0] = t;
        for (int i = 1; i <= Layers; i++) c[i] = Math.Pow(t, i);
        return c;
    }

    /// <summary>
    /// Rearranges a space whose control point 0 holds the network (the others zero, as <see cref="WeightSpace.CreateEmpty"/>
    /// leaves them) into the curve's control points: each bias moves from control 0 to control i of its layer.
    /// </summary>
    public void Arrange(WeightSpace space)
    {
        if (space.ControlPointCount != ControlPoints)
            throw new ArgumentException($"The trivial curve of {Layers} layers needs {ControlPoints} control points, the space has {space.ControlPointCount}.");
        using var _ = TorchSharp.torch.no_grad();
        for (int p = 0; p < LayerOf.Count; p++)
        {
            int i = LayerOf[p];
            if (i == 0) continue;
            space.SetControl(i, p, space.Control(0, p));
            space.Control(0, p).zero_();
        }
        space.MoveTo(Coefficients(1.0));
    }
}
