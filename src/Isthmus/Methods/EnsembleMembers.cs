using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>One member as scored: its index, its weights (layout order, valid until the next member), score and log-probabilities.</summary>
internal sealed record ScoredMember(int Index, IReadOnlyList<Tensor> Weights, MemberScore Score, Tensor LogProbabilities);

/// <summary>
/// Scores ensemble members in order, each once (<see cref="MemberEvaluator"/>). A checkpoint is loaded into a
/// one-control-point network, and so is a point of a curve; but where the network can stack points
/// (<see cref="MemberEvaluator.PointsPerPassFor"/>), consecutive points of one curve are the points c(t)·θ of the curve's
/// own weight space, scored as a grid is (<see cref="GridEvaluator.InPasses{T}"/>): several per pass, with the numbers of
/// one at a time up to rounding.
/// </summary>
internal static class EnsembleMembers
{
    /// <summary>
    /// Reads every member once into a network of its kind (a curve's file once for all its points), so that a member
    /// that does not fit is refused, in one sentence, before a command claims its --out folder.
    /// </summary>
    /// <param name="build">As for <see cref="Score"/>.</param>
    public static void Check(IReadOnlyList<MemberSource> members, Func<int, Network> build)
    {
        using var single = build(1);
        using var space = single.Space;
        var curves = new HashSet<string>();
        foreach (var member in members)
        {
            if (member is not CurvePointMember point)
            {
                member.LoadInto(single);
                continue;
            }
            if (!curves.Add(point.CurveFile)) continue;
            using var net = build(point.Family.ControlPoints);
            using var curveSpace = net.Space;
            SpaceFile.Load(point.CurveFile, net);
        }
    }

    /// <param name="single">A one-control-point network of the members' kind, for checkpoints.</param>
    /// <param name="build">Builds a network of the members' kind with the given number of control points (for curves),
    /// with its own weight space.</param>
    public static IEnumerable<ScoredMember> Score(IReadOnlyList<MemberSource> members, Network single, Func<int, Network> build, MemberEvaluator evaluator,
        CancellationToken ct)
    {
        for (int i = 0; i < members.Count;)
        {
            ct.ThrowIfCancellationRequested();
            int end = i + 1;
            if (members[i] is CurvePointMember first)
            {
                while (end < members.Count && members[end] is CurvePointMember next && next.SameCurve(first)) end++;
                var net = build(first.Family.ControlPoints);
                if (end - i > 1 && evaluator.PointsPerPassFor(net) > 1)
                {
                    foreach (var scored in OnCurve(net, members.Skip(i).Take(end - i).Cast<CurvePointMember>().ToList(), i, evaluator, ct))
                        yield return scored;
                    i = end;
                    continue;
                }
                // One at a time, each point is formed into the one-control-point network as a checkpoint is loaded,
                // as before stacking covered ensembles (the same weights to the bit, so the same numbers).
                net.Space.Dispose();
                net.Dispose();
            }
            for (; i < end; i++)
            {
                ct.ThrowIfCancellationRequested();
                members[i].LoadInto(single);
                var (score, logProbabilities) = evaluator.Evaluate(single, ct);
                yield return new ScoredMember(i, single.Space.ControlTensors(0), score, logProbabilities);
            }
        }
    }

    /// <param name="net">A network of the curve's control points, owned (disposed) here.</param>
    private static IEnumerable<ScoredMember> OnCurve(Network net, IReadOnlyList<CurvePointMember> points, int offset, MemberEvaluator evaluator, CancellationToken ct)
    {
        var family = points[0].Family;
        using var owned = net;
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
