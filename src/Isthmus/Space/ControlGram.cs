namespace Isthmus.Space;

/// <summary>
/// The Gram matrix G_kl = ⟨θ_k, θ_l⟩ of a weight space's control points over all parameters, in float64. Since every
/// point of the space is Σ_k c_k·θ_k, the distance between two points is √(Δcᵀ·G·Δc): arc lengths, length ratios and
/// plane projections follow from K² dot products computed once, without materialising a single extra point.
/// </summary>
public sealed class ControlGram
{
    private readonly double[,] _g;

    private ControlGram(double[,] g) => _g = g;

    public int Count => _g.GetLength(0);

    public double this[int k, int l] => _g[k, l];

    public static ControlGram Of(WeightSpace space)
    {
        int n = space.ControlPointCount;
        var g = new double[n, n];
        using var _ = no_grad();
        for (int p = 0; p < space.Layout.Count; p++)
        {
            using var scope = NewDisposeScope();
            var flat = new Tensor[n];
            for (int k = 0; k < n; k++) flat[k] = space.Control(k, p).detach().flatten().to_type(ScalarType.Float64);
            for (int k = 0; k < n; k++)
                for (int l = k; l < n; l++)
                {
                    double d = flat[k].dot(flat[l]).item<double>();
                    g[k, l] += d;
                    if (l != k) g[l, k] += d;
                }
        }
        return new ControlGram(g);
    }

    /// <summary>‖Σ_k a_k·θ_k − Σ_k b_k·θ_k‖.</summary>
    public double Distance(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        int n = Count;
        var d = new double[n];
        for (int k = 0; k < n; k++) d[k] = a[k] - b[k];
        return Math.Sqrt(Math.Max(0, Quadratic(d, d)));
    }

    /// <summary>⟨Σ_k a_k·θ_k, Σ_l b_l·θ_l⟩ = aᵀ·G·b.</summary>
    public double Inner(IReadOnlyList<double> a, IReadOnlyList<double> b) => Quadratic(a, b);

    private double Quadratic(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != Count || b.Count != Count) throw new ArgumentException($"Expected {Count} coefficients.");
        double s = 0;
        for (int k = 0; k < Count; k++)
            for (int l = 0; l < Count; l++) s += a[k] * _g[k, l] * b[l];
        return s;
    }
}
