namespace Isthmus.Space;

/// <summary>
/// The complexes <c>connect-set --shape</c> builds over N modes and M connectors (docs/science.md §5, a choice made here):
/// <list type="bullet">
/// <item><c>star</c>: every mode joined by an edge to the nearest connector (M = 1: one shared connector);</item>
/// <item><c>complex</c>: for every pair of modes the triangle (mode_i, mode_j, connector), with the connector nearest
/// the pair's midpoint.</item>
/// </list>
/// Every connector starts at the centroid of the modes it is joined to (M = 1: the centroid of all modes). With
/// M &gt; 1 "nearest" is decided before training, among connectors placed by farthest-point seeding: the first
/// seed is mode 1, each further seed the mode farthest from the seeds so far, and each mode joins its nearest seed.
/// </summary>
public static class SetShape
{
    /// <param name="shape">star or complex.</param>
    /// <param name="modes">N ≥ 2.</param>
    /// <param name="connectors">1 ≤ M ≤ N.</param>
    /// <param name="distance">Weight-space distance between two points given as weights over the modes (e.g. from a <see cref="ControlGram"/>).</param>
    public static SimplicialComplex Build(string shape, int modes, int connectors, Func<IReadOnlyList<double>, IReadOnlyList<double>, double> distance)
    {
        Check(shape, modes, connectors);
        var groups = Groups(modes, connectors, distance);
        if (shape == "star") return SimplicialComplex.Star(modes, connectors, groups);
        var centroids = Enumerable.Range(0, connectors)
            .Select(m => SimplicialComplex.Centroid(modes, Enumerable.Range(0, modes).Where(i => groups[i] == m))).ToArray();
        return SimplicialComplex.Complex(modes, connectors, (i, j) =>
        {
            var middle = new double[modes];
            middle[i] = middle[j] = 0.5;
            return Nearest(middle, centroids, distance);
        });
    }

    /// <summary>Refuses a shape, or a number of modes or connectors, that <see cref="Build"/> cannot make, in one sentence naming the flag.</summary>
    public static void Check(string shape, int modes, int connectors)
    {
        if (!SimplicialComplex.Shapes.Contains(shape))
            throw new IsthmusException($"Unknown --shape '{shape}'; choose one of: {string.Join(", ", SimplicialComplex.Shapes)}.");
        if (modes < 2) throw new IsthmusException($"A set needs at least two modes (got {modes}); pass two or more train runs to --modes.");
        if (connectors < 1 || connectors > modes)
            throw new IsthmusException($"--connectors must be between 1 and the number of modes, {modes} (got {connectors}).");
    }

    /// <summary>The connector (0-based) of each mode: farthest-point seeds among the modes, then the nearest seed.</summary>
    public static int[] Groups(int modes, int connectors, Func<IReadOnlyList<double>, IReadOnlyList<double>, double> distance)
    {
        var unit = Enumerable.Range(0, modes).Select(i => (IReadOnlyList<double>)Unit(modes, i)).ToArray();
        if (connectors == 1) return new int[modes];
        var seeds = new List<int> { 0 };
        while (seeds.Count < connectors)
            seeds.Add(Enumerable.Range(0, modes).Where(i => !seeds.Contains(i))
                .MaxBy(i => seeds.Min(c => distance(unit[i], unit[c]))));
        var seedPoints = seeds.Select(c => unit[c]).ToArray();
        return Enumerable.Range(0, modes).Select(i => Nearest(unit[i], seedPoints, distance)).ToArray();
    }

    private static int Nearest(IReadOnlyList<double> point, IReadOnlyList<IReadOnlyList<double>> candidates, Func<IReadOnlyList<double>, IReadOnlyList<double>, double> distance) =>
        Enumerable.Range(0, candidates.Count).MinBy(m => distance(point, candidates[m]));

    private static double[] Unit(int n, int i)
    {
        var e = new double[n];
        e[i] = 1;
        return e;
    }
}
