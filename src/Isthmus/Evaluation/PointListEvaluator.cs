using Isthmus.Nn;

namespace Isthmus.Evaluation;

/// <summary>One scored point of a weight space: its coefficients over the control points, its metrics, the time it took.</summary>
public sealed record ScoredPoint(string Label, double[] Coefficients, PointMetrics Metrics, double Seconds);

/// <summary>
/// Scores any list of points of a network's weight space, each given by its coefficients over the control points (the
/// vertices of a complex, points sampled in its simplices), with <see cref="PointEvaluator"/>: batch norm recomputed per
/// point, several points per pass where the network allows (<see cref="GridEvaluator"/>, the loop curves and planes
/// share too).
/// </summary>
public static class PointListEvaluator
{
    public static IReadOnlyList<ScoredPoint> Evaluate(Network net, IReadOnlyList<(string Label, double[] Coefficients)> points, PointEvaluator evaluator,
        IProgress<GridProgress>? progress = null, CancellationToken ct = default)
    {
        var scored = GridEvaluator.Evaluate(net, points.Select(p => (IReadOnlyList<double>)p.Coefficients).ToArray(), Enumerable.Range(0, points.Count).ToArray(),
            evaluator, i => points[i].Label, progress, ct);
        return scored.Select(g => new ScoredPoint(points[g.Index].Label, points[g.Index].Coefficients, g.Metrics, g.Seconds)).ToList();
    }
}
