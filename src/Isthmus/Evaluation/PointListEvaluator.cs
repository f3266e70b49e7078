using System.Diagnostics;
using Isthmus.Nn;

namespace Isthmus.Evaluation;

/// <summary>One scored point of a weight space: its coefficients over the control points, its metrics, the time it took.</summary>
public sealed record ScoredPoint(string Label, double[] Coefficients, PointMetrics Metrics, double Seconds);

/// <summary>
/// Scores any list of points of a network's weight space, each given by its coefficients over the control points (the
/// vertices of a complex, points sampled in its simplices), with <see cref="PointEvaluator"/>: batch norm recomputed per
/// point. Curves and planes have their own grids (<see cref="CurveEvaluator"/>, <c>PlaneSurface</c>).
/// </summary>
public static class PointListEvaluator
{
    public static IReadOnlyList<ScoredPoint> Evaluate(Network net, IReadOnlyList<(string Label, double[] Coefficients)> points, PointEvaluator evaluator,
        IProgress<GridProgress>? progress = null, CancellationToken ct = default)
    {
        var scored = new List<ScoredPoint>(points.Count);
        var clock = Stopwatch.StartNew();
        foreach (var (label, c) in points)
        {
            ct.ThrowIfCancellationRequested();
            var started = clock.Elapsed.TotalSeconds;
            net.Space.MoveTo(c);
            var metrics = evaluator.Evaluate(net, ct);
            scored.Add(new ScoredPoint(label, c, metrics, clock.Elapsed.TotalSeconds - started));
            progress?.Report(new GridProgress(scored.Count, points.Count, label, metrics, clock.Elapsed.TotalSeconds));
        }
        return scored;
    }
}
