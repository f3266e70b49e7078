namespace Isthmus.Landscape;

/// <summary>The three barrier heights of one metric along a path (docs/science.md §6); each report says which it uses.</summary>
/// <param name="Max">Max along the path (Garipov et al. 2018; Draxler et al. 2018).</param>
/// <param name="Frankle">Max minus the mean of the two endpoint values (Frankle et al. 2020).</param>
/// <param name="Entezari">Max over t of m(t) − [(1 − t)·m(0) + t·m(1)], the rise above the chord (Entezari et al. 2021).</param>
public sealed record BarrierHeights(double Max, double Frankle, double Entezari);

/// <summary>Barrier heights of a metric sampled on a grid t_0 = 0 … t_N = 1.</summary>
public static class Barrier
{
    public static BarrierHeights Of(IReadOnlyList<double> t, IReadOnlyList<double> m)
    {
        if (t.Count != m.Count || t.Count == 0) throw new ArgumentException("t and the metric need the same, non-zero number of values.");
        double start = m[0], end = m[^1];
        double t0 = t[0], span = t[^1] - t[0];
        double max = double.NegativeInfinity, aboveChord = double.NegativeInfinity;
        for (int i = 0; i < m.Count; i++)
        {
            max = Math.Max(max, m[i]);
            double s = span > 0 ? (t[i] - t0) / span : 0;
            aboveChord = Math.Max(aboveChord, m[i] - ((1 - s) * start + s * end));
        }
        return new BarrierHeights(max, max - 0.5 * (start + end), aboveChord);
    }
}
