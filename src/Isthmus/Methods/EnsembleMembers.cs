using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>One member as scored: its index, its weights (layout order, valid until the next member), score and log-probabilities.</summary>
internal sealed record ScoredMember(int Index, IReadOnlyList<Tensor> Weights, MemberScore Score, Tensor LogProbabilities);

/// <summary>
/// Scores ensemble members in order, each once (<see cref="MemberEvaluator"/>). A checkpoint is loaded into a
/// one-control-point network; consecutive points of one curve are the points c(t)·θ of the curve's own weight space,
/// scored as a grid is (<see cref="GridEvaluator.InPasses{T}"/>): several per pass where the network can stack them,
/// with the numbers of one at a time up to rounding.
/// </summary>
internal static class EnsembleMembers
{
    /// <param name="single">A one-control-point network of the members' kind, for checkpoints.</param>
    /// <param name="build">Builds a network of the members' kind with the given number of control points (for curves).</param>
    public static IEnumerable<ScoredMember> Score(IReadOnlyList<MemberSource> members, Network single, Func<int, Network> build, MemberEvaluator evaluator,
        CancellationToken ct)
    {
        for (int i = 0; i < members.Count;)
        {
            ct.ThrowIfCancellationRequested();
            if (members[i] is CurvePointMember first)
            {
                int end = i + 1;
                while (end < members.Count && members[end] is CurvePointMember next && next.SameCurve(first)) end++;
                foreach (var scored in OnCurve(members.Skip(i).Take(end - i).Cast<CurvePointMember>().ToList(), i, build, evaluator, ct))
                    yield return scored;
                i = end;
                continue;
            }
            members[i].LoadInto(single);
            var (score, logProbabilities) = evaluator.Evaluate(single, ct);
            yield return new ScoredMember(i, single.Space.ControlTensors(0), score, logProbabilities);
            i++;
        }
    }

    private static IEnumerable<ScoredMember> OnCurve(IReadOnlyList<CurvePointMember> points, int offset, Func<int, Network> build, MemberEvaluator evaluator,
        CancellationToken ct)
    {
        var family = points[0].Family;
        using var net = build(family.ControlPoints);
        using var space = net.Space;
        SpaceFile.Load(points[0].CurveFile, net);
        var coefficients = points.Select(p => (IReadOnlyList<double>)family.Coefficients(p.T)).ToArray();
        var passes = GridEvaluator.InPasses(net, coefficients, Enumerable.Range(0, points.Count).ToArray(), evaluator.PointsPerPassFor(net),
            _ => evaluator.Evaluate(net, ct), _ => evaluator.EvaluateStacked(net, ct), ct);
        foreach (var (group, results) in passes)
        {
            for (int q = 0; q < group.Length; q++)
            {
                // A stacked member's weights are row q of the stack; one member alone is the space's point.
                var weights = space.Stacked > 0 ? Enumerable.Range(0, net.Layout.Count).Select(p => space.StackedPoint(p)[q]).ToArray() : null;
                try
                {
                    yield return new ScoredMember(offset + group[q], weights ?? space.PointTensors, results[q].Score, results[q].LogProbabilities);
                }
                finally
                {
                    foreach (var w in weights ?? []) w.Dispose();
                }
            }
        }
    }
}
