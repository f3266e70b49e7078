using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Space;
using Isthmus.Training;

namespace Isthmus.Landscape;

/// <summary>How <see cref="SetEvaluation.Evaluate"/> measures a set's subspace.</summary>
/// <param name="Samples">Points drawn in the simplices (simplex by the sampler's probabilities, weights ~ Dirichlet(1)).</param>
/// <param name="Seed">Seeds the draw.</param>
/// <param name="SegmentPoints">Equally spaced t on each straight segment between two modes (the baseline).</param>
/// <param name="Grid">Grid points per axis of each 2-D slice (0 = no slices).</param>
/// <param name="Slices">At most this many slices, in pair order (null = one per pair of modes).</param>
/// <param name="Margin">Slice grids extend this fraction of the three points' extent beyond them (the plane's 20 %).</param>
public sealed record SetEvaluationOptions(int Samples = 60, long Seed = 1, int SegmentPoints = 11, int Grid = 11, int? Slices = null, double Margin = 0.2);

/// <summary>A point drawn in simplex <paramref name="Simplex"/> with barycentric <paramref name="Weights"/>, scored.</summary>
public sealed record SampledPoint(int Simplex, double[] Weights, ScoredPoint Scored);

/// <summary>The straight segment between modes <paramref name="From"/> and <paramref name="To"/>, evaluated like a curve.</summary>
public sealed record ModeSegment(int From, int To, CurveEvaluation Curve);

/// <summary>
/// The plane through modes <paramref name="ModeA"/>, <paramref name="ModeB"/> and vertex <paramref name="Connector"/>,
/// with the three points and the subspace's edges between them projected onto it (<paramref name="Edges"/>: a
/// polyline from mode A through the connector to mode B, closed back to A for a triangle).
/// </summary>
public sealed record SetSlice(int ModeA, int ModeB, int Connector, double UNorm, double VNorm,
    IReadOnlyList<(int Vertex, double X, double Y)> Points, IReadOnlyList<(double X, double Y)> Edges, PlaneSurface Surface);

/// <summary>
/// A set's subspace measured (docs/science.md §5): every vertex, points sampled uniformly in the simplices, the straight
/// segments between every pair of modes for comparison, and 2-D slices (mode_i, mode_j, connector) like the paper's
/// planes. Every point is scored with batch norm recomputed.
/// </summary>
public sealed class SetEvaluation
{
    public required SimplicialComplex Complex { get; init; }
    public required IReadOnlyList<ScoredPoint> Vertices { get; init; }
    public required IReadOnlyList<SampledPoint> Samples { get; init; }
    public required IReadOnlyList<ModeSegment> Segments { get; init; }
    public required IReadOnlyList<SetSlice> Slices { get; init; }

    /// <summary>Points <see cref="Evaluate"/> scores for a complex and options: for a progress bar's total.</summary>
    public static int PointCount(SimplicialComplex complex, SetEvaluationOptions o) =>
        complex.Vertices + o.Samples + Pairs(complex.Modes).Count * o.SegmentPoints + SlicePairs(complex, o).Count * o.Grid * o.Grid;

    /// <param name="net">A network bound to the set's weight space (K = N + M control points); it is bound back afterwards.</param>
    /// <param name="sampler">Draws the sample points (its probabilities: the run's, e.g. by edges).</param>
    public static SetEvaluation Evaluate(Network net, SimplexSampler sampler, SetEvaluationOptions o, PointEvaluator evaluator,
        IProgress<GridProgress>? progress = null, CancellationToken ct = default)
    {
        var complex = sampler.Complex;
        var space = net.Space;
        if (space.ControlPointCount != complex.Vertices)
            throw new ArgumentException($"The network's space has {space.ControlPointCount} control points; the complex has {complex.Vertices} vertices.");
        var phases = new PhasedProgress(progress, PointCount(complex, o));

        var vertices = PointListEvaluator.Evaluate(net, Enumerable.Range(0, complex.Vertices).Select(k => (complex.VertexName(k), complex.Vertex(k))).ToList(),
            evaluator, phases.Phase("vertices", complex.Vertices), ct);

        using var generator = new TorchSharp.torch.Generator((ulong)o.Seed, TorchSharp.torch.CPU);
        var draws = Enumerable.Range(0, o.Samples).Select(_ => sampler.Draw(generator)).ToList();
        var scored = PointListEvaluator.Evaluate(net, draws.Select((d, i) => ($"sample {i + 1} in {complex.SimplexName(d.Simplex)}", complex.Coefficients(d.Simplex, d.Weights))).ToList(),
            evaluator, phases.Phase("samples", o.Samples), ct);
        var samples = draws.Select((d, i) => new SampledPoint(d.Simplex, d.Weights, scored[i])).ToList();

        var ts = PathStatistics.UniformGrid(o.SegmentPoints);
        var segments = Pairs(complex.Modes).Select(pair =>
        {
            double[] Line(double t)
            {
                var c = new double[complex.Vertices];
                c[pair.A] = 1 - t;
                c[pair.B] = t;
                return c;
            }
            var name = $"{complex.VertexName(pair.A)}-{complex.VertexName(pair.B)}";
            return new ModeSegment(pair.A, pair.B, CurveEvaluator.Evaluate(net, Line, ts, evaluator, phases.Phase($"segment {name}", ts.Length), ct));
        }).ToList();

        var slices = SlicePairs(complex, o).Select(pair => Slice(net, complex, pair.A, pair.B, o, evaluator, phases, ct)).ToList();
        return new SetEvaluation { Complex = complex, Vertices = vertices, Samples = samples, Segments = segments, Slices = slices };
    }

    /// <summary>The connector a slice through modes a and b uses: the one of a simplex holding both, else mode a's.</summary>
    public static int SliceConnector(SimplicialComplex complex, int a, int b)
    {
        var withBoth = complex.Simplices.FirstOrDefault(s => s.Contains(a) && s.Contains(b) && s.Any(complex.IsConnector));
        var simplex = withBoth ?? complex.Simplices.First(s => s.Contains(a) && s.Any(complex.IsConnector));
        return simplex.First(complex.IsConnector);
    }

    private static SetSlice Slice(Network net, SimplicialComplex complex, int a, int b, SetEvaluationOptions o, PointEvaluator evaluator, PhasedProgress phases, CancellationToken ct)
    {
        var space = net.Space;
        int c = SliceConnector(complex, a, b);
        using var plane = Plane.Through(space, complex.Vertex(a), complex.Vertex(b), complex.Vertex(c));
        var points = new[] { a, b, c }.Select(k => { var (x, y) = plane.Project(complex.Vertex(k)); return (k, x, y); }).ToList();
        var corners = complex.Simplices.Any(s => s.Contains(a) && s.Contains(b) && s.Contains(c)) ? new[] { a, c, b, a } : new[] { a, c, b };
        var edges = corners.Select(k => plane.Project(complex.Vertex(k))).ToList();
        var (xs, ys) = Plane.Grid(points.Select(p => (p.x, p.y)), o.Grid, o.Margin);
        net.Bind(plane.Space);
        try
        {
            var name = $"slice {complex.VertexName(a)}, {complex.VertexName(b)}, {complex.VertexName(c)}";
            var surface = PlaneSurface.Evaluate(net, plane, xs, ys, evaluator, phases.Phase(name, o.Grid * o.Grid), ct);
            return new SetSlice(a, b, c, plane.UNorm, plane.VNorm, points, edges, surface);
        }
        finally
        {
            net.Bind(space);
        }
    }

    private static List<(int A, int B)> Pairs(int modes) =>
        Enumerable.Range(0, modes).SelectMany(i => Enumerable.Range(i + 1, modes - i - 1).Select(j => (i, j))).ToList();

    private static List<(int A, int B)> SlicePairs(SimplicialComplex complex, SetEvaluationOptions o) =>
        o.Grid == 0 || complex.Connectors == 0 ? [] : Pairs(complex.Modes).Take(o.Slices ?? int.MaxValue).ToList();
}
