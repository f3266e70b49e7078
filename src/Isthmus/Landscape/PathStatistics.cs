namespace Isthmus.Landscape;

/// <summary>Min, max, mean over t (eq. 2) and arc-length-weighted mean (eq. 1) of one metric along a path.</summary>
public sealed record PathStats(double Min, double Max, double Mean, double Int);

/// <summary>
/// The numbers docs/science.md §2 asks of a metric m sampled on a grid t_0 &lt; … &lt; t_N of a path φ: the trapezoid-rule
/// mean in t and the arc-length-weighted mean ∫ m dφ / ∫ dφ, with dφ the weight-space distance between consecutive
/// grid points. Pure arithmetic on arrays, so it is tested on curves whose answers are known in closed form.
/// </summary>
public static class PathStatistics
{
    /// <summary>Eq. (2): ∫ m dt / (t_N − t_0) by the trapezoid rule (t need not be uniform).</summary>
    public static double TrapezoidMean(IReadOnlyList<double> t, IReadOnlyList<double> m)
    {
        Check(t.Count, m.Count);
        if (t.Count == 1) return m[0];
        double area = 0;
        for (int i = 0; i + 1 < t.Count; i++) area += 0.5 * (m[i] + m[i + 1]) * (t[i + 1] - t[i]);
        double span = t[^1] - t[0];
        return span > 0 ? area / span : double.NaN;
    }

    /// <summary>
    /// Eq. (1): ∫ m dφ / ∫ dφ by the trapezoid rule, where <paramref name="steps"/>[i] = ‖φ(t_{i+1}) − φ(t_i)‖.
    /// NaN when the path has no length (every grid point is the same weight vector).
    /// </summary>
    public static double ArcLengthMean(IReadOnlyList<double> steps, IReadOnlyList<double> m)
    {
        if (steps.Count + 1 != m.Count) throw new ArgumentException($"Expected {m.Count - 1} steps between {m.Count} grid points, got {steps.Count}.");
        if (m.Count == 1) return m[0];
        double weighted = 0, length = 0;
        for (int i = 0; i < steps.Count; i++)
        {
            weighted += 0.5 * (m[i] + m[i + 1]) * steps[i];
            length += steps[i];
        }
        return length > 0 ? weighted / length : double.NaN;
    }

    /// <summary>Length of the polyline through the grid points: Σ ‖φ(t_{i+1}) − φ(t_i)‖.</summary>
    public static double Length(IReadOnlyList<double> steps) => steps.Sum();

    /// <summary>All four statistics of one metric.</summary>
    public static PathStats Of(IReadOnlyList<double> t, IReadOnlyList<double> steps, IReadOnlyList<double> m) =>
        new(m.Min(), m.Max(), TrapezoidMean(t, m), ArcLengthMean(steps, m));

    /// <summary>Uniform grid of <paramref name="points"/> values from 0 to 1 (both included).</summary>
    public static double[] UniformGrid(int points)
    {
        if (points < 2) throw new IsthmusException($"--points must be at least 2 (got {points}).");
        return Enumerable.Range(0, points).Select(i => (double)i / (points - 1)).ToArray();
    }

    private static void Check(int t, int m)
    {
        if (t != m) throw new ArgumentException($"t has {t} values but the metric {m}.");
        if (t == 0) throw new ArgumentException("A path statistic needs at least one grid point.");
    }
}
