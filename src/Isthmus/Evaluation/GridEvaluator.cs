using System.Diagnostics;
using Isthmus.Nn;

namespace Isthmus.Evaluation;

/// <summary>One evaluated point of a grid: its index in the grid, its metrics, and the seconds spent on it.</summary>
public sealed record GridPoint(int Index, PointMetrics Metrics, double Seconds);

/// <summary>
/// The loop every grid shares (a curve's t values, a plane's cells): move the network to each requested point and score
/// it with a <see cref="PointEvaluator"/>. Where the network allows (<see cref="PointEvaluator.CanStack"/>), up to
/// <see cref="PointEvaluator.PointsPerPassFor"/> points are stacked and scored in one pass over the data; the numbers are
/// those of one point at a time up to rounding, and do not depend on which points share a pass.
/// </summary>
public static class GridEvaluator
{
    /// <param name="net">A network bound to the grid's weight space.</param>
    /// <param name="coefficients">Every grid point's coefficients in that space, by grid index.</param>
    /// <param name="indices">The grid indices to evaluate (all of them, or one shard's).</param>
    /// <param name="evaluator">Scores each point (batch norm recomputed).</param>
    /// <param name="describe">A grid index as text for progress, e.g. <c>t = 0.35</c>.</param>
    /// <param name="progress">Reported after each point.</param>
    /// <param name="ct">Cancels between (and inside) points.</param>
    /// <param name="observeEval">Optional: sees (grid index, batch index, logits, targets) on the evaluation split; within
    /// a batch, points come in the order of <paramref name="indices"/>.</param>
    /// <param name="done">Points already evaluated (an interrupted run's saved progress): kept, not evaluated again.</param>
    /// <param name="save">Optional: given every point so far, at most every few seconds while the grid runs, so that an
    /// interrupted grid can continue (<paramref name="done"/>); a finished grid needs no saving.</param>
    public static IReadOnlyList<GridPoint> Evaluate(Network net, IReadOnlyList<IReadOnlyList<double>> coefficients, IReadOnlyList<int> indices,
        PointEvaluator evaluator, Func<int, string> describe, IProgress<GridProgress>? progress = null, CancellationToken ct = default,
        Action<int, int, Tensor, Tensor>? observeEval = null, IReadOnlyList<GridPoint>? done = null, Action<IReadOnlyList<GridPoint>>? save = null)
    {
        int pass = evaluator.CanStack(net) ? evaluator.PointsPerPassFor(net) : 1;
        var wanted = indices.ToHashSet();
        var results = (done ?? []).Where(p => wanted.Contains(p.Index)).ToList();
        var finished = results.Select(p => p.Index).ToHashSet();
        int total = indices.Count;
        indices = indices.Where(i => !finished.Contains(i)).ToArray();
        var clock = Stopwatch.StartNew();
        double lastSave = 0, began = 0;
        var passes = InPasses(net, coefficients, indices, pass,
            i => evaluator.Evaluate(net, ct, observeEval is null ? null : (b, logits, y) => observeEval(i, b, logits, y)),
            group => evaluator.EvaluateStacked(net, ct, observeEval is null ? null : (q, b, logits, y) => observeEval(group[q], b, logits, y)), ct);
        foreach (var (group, metrics) in passes)
        {
            double seconds = (clock.Elapsed.TotalSeconds - began) / group.Length;
            for (int q = 0; q < group.Length; q++)
            {
                results.Add(new GridPoint(group[q], metrics[q], seconds));
                progress?.Report(new GridProgress(results.Count, total, describe(group[q]), metrics[q], clock.Elapsed.TotalSeconds));
            }
            if (save is not null && clock.Elapsed.TotalSeconds - lastSave >= 2)
            {
                save(results);
                lastSave = clock.Elapsed.TotalSeconds;
            }
            began = clock.Elapsed.TotalSeconds;
        }
        return results.OrderBy(p => p.Index).ToList();
    }

    /// <summary>
    /// The passes every evaluation of several points of one weight space shares: the points <paramref name="indices"/> in
    /// groups of <paramref name="pointsPerPass"/>, each group moved into the space (one point, or stacked with
    /// <see cref="Space.WeightSpace.MoveToStack"/>) and scored, in order. Lazily: each pass runs when enumerated; after the
    /// last, the space holds one point again, as callers expect.
    /// </summary>
    /// <param name="pointsPerPass">1: one point at a time (<paramref name="one"/>); more: stacked (<paramref name="stacked"/>).</param>
    /// <param name="one">Scores the one point the space is at, given its index.</param>
    /// <param name="stacked">Scores the stacked points, given their indices in stack order.</param>
    public static IEnumerable<(int[] Group, T[] Results)> InPasses<T>(Network net, IReadOnlyList<IReadOnlyList<double>> coefficients, IReadOnlyList<int> indices,
        int pointsPerPass, Func<int, T> one, Func<int[], T[]> stacked, CancellationToken ct = default)
    {
        var space = net.Space;
        for (int start = 0; start < indices.Count; start += pointsPerPass)
        {
            ct.ThrowIfCancellationRequested();
            var group = indices.Skip(start).Take(pointsPerPass).ToArray();
            if (pointsPerPass == 1)
            {
                space.MoveTo(coefficients[group[0]]);
                yield return (group, [one(group[0])]);
            }
            else
            {
                space.MoveToStack(group.Select(i => coefficients[i]).ToArray());
                yield return (group, stacked(group));
            }
        }
        if (space.Stacked > 0 && indices.Count > 0) space.MoveTo(coefficients[indices[^1]]); // leave the space at one point
    }
}
