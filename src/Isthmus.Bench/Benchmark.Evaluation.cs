namespace Isthmus.Bench;

public static partial class Benchmark
{
    /// <summary>
    /// The grid loop curves and planes share (<see cref="GridEvaluator"/>), with points stacked into one pass over the data
    /// against one point at a time (the same points, the same numbers, phases alternating), and against plain inference
    /// of one network on the same examples.
    /// </summary>
    /// <param name="points">Points of the grid (a Bezier curve's t values).</param>
    private static IEnumerable<BenchRow> StackedEvaluation(Session session, ArchitectureSpec spec, int points, int repeats, long examples, CancellationToken ct, Action? pairDone)
    {
        using var data = Slice(session.Data, examples, examples);
        using var net = session.Build(spec, 3, seed: 1);
        var family = new Bezier(1);
        var coefficients = Landscape.PathStatistics.UniformGrid(points).Select(t => (IReadOnlyList<double>)family.Coefficients(t)).ToArray();
        var all = Enumerable.Range(0, coefficients.Length).ToArray();
        PointEvaluator Evaluator(int pass) => new(BatchSources.TrainingForEvaluation(data), BatchSources.Evaluation(data), 5e-4) { PointsPerPass = pass, StacksConvolutions = true };
        int perPass = Evaluator(PointEvaluator.DefaultPointsPerPass).PointsPerPassFor(net); // as the grid commands choose it
        double Phase(int pass)
        {
            var clock = Stopwatch.StartNew();
            GridEvaluator.Evaluate(net, coefficients, all, Evaluator(pass), i => $"{i}", ct: ct);
            return clock.Elapsed.TotalSeconds;
        }
        var t = Alternate(_ => Phase(1), _ => Phase(perPass), repeats, pairDone);
        double scored = all.Length * (data.Train!.Count + data.Eval!.Count);
        double oneRate = scored / t.A, stackedRate = scored / t.B;
        yield return new BenchRow($"grid evaluation, stacked / one at a time ({spec})", 1 / t.Ratio, oneRate, stackedRate, "examples/s",
            BenchGoal.Above(1.5), $"{points} curve points, {perPass} per pass, batch norm recomputed per point where the network has it; equal up to rounding; " + t.Spread.Replace("ratios", "ratios of times"), 1 / t.CiHigh, 1 / t.CiLow);
        double plainRate = PlainInferenceRate(net, BatchSources.Evaluation(data), data.Eval.Count, ct);
        yield return new BenchRow($"grid evaluation, stacked / plain inference ({spec})", stackedRate / plainRate, plainRate, stackedRate,
            "examples/s", BenchGoal.None, $"{perPass} per pass; examples scored per second by the grid (train and test split of every point) against one network's test pass");
    }

    /// <summary>Examples per second of plain inference of <paramref name="net"/>'s current point on <paramref name="eval"/> (after one warm-up pass).</summary>
    private static double PlainInferenceRate(Network net, IBatchSource eval, long count, CancellationToken ct)
    {
        Evaluator.Evaluate(net, eval, ct);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++) Evaluator.Evaluate(net, eval, ct);
        return 3 * count / clock.Elapsed.TotalSeconds;
    }
}
