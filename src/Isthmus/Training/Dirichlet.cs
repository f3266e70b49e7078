namespace Isthmus.Training;

/// <summary>
/// Barycentric weights λ ~ Dirichlet(1, …, 1), the uniform distribution on a simplex (docs/science.md §5): independent
/// E_a ~ Exp(1), normalised, λ_a = E_a / Σ_b E_b. Each E_a is −log(1 − U_a) of a uniform U_a ∈ [0, 1) drawn from the
/// caller's seeded generator, so the draw is reproducible and a resumed run samples the same points.
/// </summary>
public static class Dirichlet
{
    /// <summary>Turns <paramref name="uniforms"/> (U[0, 1) draws) into uniform barycentric weights, one per vertex.</summary>
    public static void Uniform(ReadOnlySpan<double> uniforms, Span<double> weights)
    {
        if (uniforms.Length != weights.Length) throw new ArgumentException($"Expected {weights.Length} uniforms, got {uniforms.Length}.");
        double sum = 0;
        for (int a = 0; a < weights.Length; a++)
        {
            weights[a] = -Math.Log(1 - uniforms[a]);
            sum += weights[a];
        }
        // Only when every U is exactly 0 (probability zero): the centroid keeps the point inside the simplex.
        if (!(sum > 0))
        {
            weights.Fill(1.0 / weights.Length);
            return;
        }
        for (int a = 0; a < weights.Length; a++) weights[a] /= sum;
    }
}
