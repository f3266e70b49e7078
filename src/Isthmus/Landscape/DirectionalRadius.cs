namespace Isthmus.Landscape;

/// <summary>
/// How far one can go from a solution along a direction before the loss rises by a given amount (docs/science.md §5,
/// "hyperparameters": the large-scale shape of the low-loss region): the distance at which f first exceeds the
/// threshold, found by doubling the distance until it does, then bisecting the last bracket.
/// </summary>
public static class DirectionalRadius
{
    /// <summary>
    /// The smallest α ≥ 0 found with f(α) &gt; <paramref name="threshold"/>, assuming f(0) ≤ threshold: α doubles from
    /// <paramref name="initial"/> until f exceeds the threshold (a dip back below it between two doublings is not
    /// seen), then <paramref name="bisections"/> halvings of [last below, first above] narrow it; the bracket's middle
    /// is returned. +∞ when f stays at or below the threshold up to <paramref name="max"/>.
    /// </summary>
    public static double FirstCrossing(Func<double, double> f, double threshold, double initial = 1, double max = 1e4, int bisections = 10)
    {
        if (!(initial > 0) || !(max >= initial)) throw new ArgumentException("Need 0 < initial ≤ max.");
        if (bisections < 0) throw new IsthmusException($"--bisections must not be negative (got {bisections}).");
        double below = 0, above = initial;
        while (!(f(above) > threshold))
        {
            below = above;
            above *= 2;
            if (above > max) return double.PositiveInfinity;
        }
        for (int i = 0; i < bisections; i++)
        {
            double middle = 0.5 * (below + above);
            if (f(middle) > threshold) above = middle;
            else below = middle;
        }
        return 0.5 * (below + above);
    }
}
