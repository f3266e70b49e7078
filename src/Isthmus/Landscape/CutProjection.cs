namespace Isthmus.Landscape;

/// <summary>How a <see cref="RandomCut"/> holds its directions (docs/science.md §5).</summary>
public enum CutProjection
{
    /// <summary>Fastfood when dense directions would exceed the memory limit or d exceeds <see cref="CutProjections.DenseMaxDimension"/>; dense otherwise.</summary>
    Auto,
    /// <summary>d orthonormalised Gaussian directions, kept as a [d, N] tensor (or drawn again at every step above the memory limit).</summary>
    Dense,
    /// <summary>The structured <see cref="FastfoodProjection"/>: O(N) memory and O(N log d) time per step.</summary>
    Fastfood,
}

/// <summary>Which projection <see cref="CutProjection.Auto"/> stands for.</summary>
public static class CutProjections
{
    /// <summary>
    /// Largest d that <see cref="CutProjection.Auto"/> keeps dense: above it two [d, N] products per step cost more time
    /// than Fastfood's transforms and d·N floats more memory than the network's training holds (docs/performance.md).
    /// </summary>
    public const int DenseMaxDimension = 32;

    /// <summary>Dense or Fastfood: <paramref name="projection"/> itself unless it is Auto.</summary>
    public static CutProjection Resolve(CutProjection projection, int dimension, long parameters, long maxDenseBytes) =>
        projection != CutProjection.Auto ? projection
        : dimension <= DenseMaxDimension && RandomCut.DenseBytes(dimension, parameters) <= maxDenseBytes ? CutProjection.Dense : CutProjection.Fastfood;

    /// <summary>Parses a --projection value: dense, fastfood or auto.</summary>
    public static CutProjection Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => CutProjection.Auto,
        "dense" => CutProjection.Dense,
        "fastfood" => CutProjection.Fastfood,
        _ => throw new IsthmusException($"--projection must be dense, fastfood or auto (got '{text}')."),
    };
}
