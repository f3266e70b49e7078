namespace Isthmus.Bench;

public static partial class Benchmark
{
    /// <summary>
    /// Peak resident memory of the process over a grid of 32 curve points, several per pass as the grid commands stack
    /// them (<see cref="PointEvaluator.PointsPerPassFor"/>), against its peak over plain training steps of the same
    /// network on the same data: stacking is bounded by <see cref="PointEvaluator.StackMemoryBytes"/>, so that
    /// evaluating a network costs about what training it does.
    /// </summary>
    private static BenchRow GridMemory(Session session, ArchitectureSpec spec, int steps, long examples, int batch, CancellationToken ct)
    {
        using var data = Slice(session.Data, Math.Max(examples, (long)steps * batch), examples);
        double trainPeak;
        using (var plain = session.Build(spec, 1, seed: 1))
        using (var optimizer = new Sgd(plain.Space.TrainableTensors(), 0.9, 5e-4))
        {
            Phase(plain, optimizer, FixedPoint.Instance, data, batch, 5e-4, 0, ct); // warm-up: optimizer state exists from here on
            Platform.NativeMemory.Trim();
            Platform.PeakMemory.Reset();
            Phase(plain, optimizer, FixedPoint.Instance, data, batch, 5e-4, 1, ct);
            trainPeak = Platform.PeakMemory.PeakBytes / 1e6;
        }
        using var net = session.Build(spec, 3, seed: 1);
        var family = new Bezier(1);
        var coefficients = Landscape.PathStatistics.UniformGrid(32).Select(t => (IReadOnlyList<double>)family.Coefficients(t)).ToArray();
        var evaluator = new PointEvaluator(BatchSources.TrainingForEvaluation(data), BatchSources.Evaluation(data), 5e-4);
        int perPass = evaluator.PointsPerPassFor(net);
        Platform.NativeMemory.Trim();
        Platform.PeakMemory.Reset();
        GridEvaluator.Evaluate(net, coefficients, Enumerable.Range(0, coefficients.Length).ToArray(), evaluator, i => $"{i}", ct: ct);
        double evalPeak = Platform.PeakMemory.PeakBytes / 1e6;
        return new BenchRow($"grid evaluation peak memory / training peak memory ({spec})", evalPeak / trainPeak, trainPeak, evalPeak, "MB resident",
            BenchGoal.Below(1.5), $"whole process; 32 curve points, {perPass} per pass (--stack-memory {PointEvaluator.ProcessStackMemoryBytes >> 20} MiB); training: plain SGD steps, batch {batch}");
    }
}
