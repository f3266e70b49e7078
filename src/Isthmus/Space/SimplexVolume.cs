namespace Isthmus.Space;

/// <summary>
/// The d-dimensional volume of a simplex of control points, Vol = √det(EᵀE)/d! with E's columns the edges
/// w_{s_a} − w_{s_0} (a = 1 … d), and the gradient of the volume term −λ·log Vol that <c>connect-set
/// --volume-weight λ</c> adds to the loss of the sampled simplex to make the subspace grow (Benton et al. 2021's
/// choice of regulariser). ∂(−λ·log Vol)/∂e_a = −λ·Σ_b (G⁻¹)_ab·e_b with G = EᵀE; the first vertex gets minus the sum.
/// </summary>
public static class SimplexVolume
{
    /// <summary>The volume of the simplex <paramref name="vertices"/> (a length for two vertices, an area for three …).</summary>
    public static double Of(ControlGram gram, IReadOnlyList<int> vertices)
    {
        int d = vertices.Count - 1;
        var g = new double[d * d];
        int v0 = vertices[0];
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                int va = vertices[a + 1], vb = vertices[b + 1];
                g[a * d + b] = gram[va, vb] - gram[va, v0] - gram[v0, vb] + gram[v0, v0];
            }
        double det;
        using (var m = tensor(g, [d, d], ScalarType.Float64)) using (var dt = linalg.det(m)) det = dt.item<double>();
        double factorial = Enumerable.Range(1, d).Aggregate(1.0, (f, k) => f * k);
        return Math.Sqrt(Math.Max(0, det)) / factorial;
    }

    /// <summary>
    /// Adds ∂(−<paramref name="weight"/>·log Vol)/∂w_v to the gradient of every trainable vertex v of the simplex (call
    /// after the loss gradients are in place). G gets a ridge of 1e-6 of its mean diagonal, so that a simplex that starts
    /// flat (e.g. a triangle whose connector sits on the segment between its two modes) gives finite gradients.
    /// </summary>
    public static void AddLogVolumeGradient(WeightSpace space, IReadOnlyList<int> vertices, double weight)
    {
        if (weight == 0 || !vertices.Any(space.IsTrainable)) return;
        int d = vertices.Count - 1;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var edges = new Tensor[space.Layout.Count];
        var gram = zeros([d, d], ScalarType.Float64);
        for (int p = 0; p < space.Layout.Count; p++)
        {
            var origin = space.Control(vertices[0], p).flatten();
            edges[p] = stack(vertices.Skip(1).Select(v => space.Control(v, p).flatten() - origin).ToArray());
            var e64 = edges[p].to_type(ScalarType.Float64);
            gram.add_(e64.mm(e64.t()));
        }
        var g = gram.data<double>().ToArray();
        double ridge = 1e-6 * Enumerable.Range(0, d).Average(a => g[a * d + a]);
        for (int a = 0; a < d; a++) g[a * d + a] += ridge;
        double[] inverse;
        using (var m = tensor(g, [d, d], ScalarType.Float64)) using (var inv = linalg.inv(m)) inverse = inv.data<double>().ToArray();

        // Rows of ∂/∂e_a as combinations of the edges: coefficient [a, b] = −λ·(G⁻¹)_ab; vertex 0 gets minus their sum.
        var rows = new double[d + 1, d];
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                rows[a + 1, b] = -weight * inverse[a * d + b];
                rows[0, b] -= rows[a + 1, b];
            }
        for (int a = 0; a <= d; a++)
        {
            if (!space.IsTrainable(vertices[a])) continue;
            var c = new float[d];
            for (int b = 0; b < d; b++) c[b] = (float)rows[a, b];
            using var coefficients = tensor(c, device: space.Device);
            for (int p = 0; p < space.Layout.Count; p++)
            {
                var grad = space.Control(vertices[a], p).grad ?? throw new InvalidOperationException("A trainable control tensor has no gradient buffer.");
                grad.add_(coefficients.matmul(edges[p]).view(grad.shape));
            }
        }
    }
}
