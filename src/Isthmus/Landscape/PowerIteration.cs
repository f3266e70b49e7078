namespace Isthmus.Landscape;

/// <summary>The eigenvalue power iteration settled on, how many products it took, and whether it met its tolerance.</summary>
public sealed record EigenEstimate(double Value, int Iterations, bool Converged);

/// <summary>
/// The eigenvalue of largest magnitude of a symmetric operator given only as a product v ↦ A·v (docs/science.md §5: the top
/// Hessian eigenvalue from Hessian-vector products): v ← A·v/‖A·v‖ from a random start, with the Rayleigh quotient
/// ⟨v, A·v⟩ as the estimate, until it changes by less than <c>tolerance</c> (relative). At a minimum the Hessian's
/// largest-magnitude eigenvalue is its top one; where a negative eigenvalue is larger in magnitude, that is what
/// the iteration finds, with its sign.
/// </summary>
public static class PowerIteration
{
    /// <param name="multiply">A·v for v given per parameter; returns new tensors the iteration disposes.</param>
    /// <param name="start">The start vector (any scale; copied, not modified).</param>
    /// <param name="maxIterations">Products at most.</param>
    /// <param name="tolerance">Stop when |λ_k − λ_{k−1}| ≤ tolerance·|λ_k|.</param>
    public static EigenEstimate TopEigenvalue(Func<IReadOnlyList<Tensor>, Tensor[]> multiply, IReadOnlyList<Tensor> start, int maxIterations = 20, double tolerance = 1e-3)
    {
        if (maxIterations < 1) throw new IsthmusException($"--power-iterations must be at least 1 (got {maxIterations}).");
        var v = ParameterVectors.Clone(start);
        ParameterVectors.Scale(v, 1.0 / ParameterVectors.Norm(v));
        double previous = double.NaN;
        try
        {
            for (int k = 1; k <= maxIterations; k++)
            {
                var av = multiply(v);
                double lambda = ParameterVectors.Dot(v, av);
                double norm = ParameterVectors.Norm(av);
                ParameterVectors.Dispose(v);
                v = av;
                if (!(norm > 0)) return new EigenEstimate(0, k, true);
                ParameterVectors.Scale(v, 1.0 / norm);
                if (Math.Abs(lambda - previous) <= tolerance * Math.Abs(lambda)) return new EigenEstimate(lambda, k, true);
                previous = lambda;
            }
            return new EigenEstimate(previous, maxIterations, false);
        }
        finally
        {
            ParameterVectors.Dispose(v);
        }
    }
}
