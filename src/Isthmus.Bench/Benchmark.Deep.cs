using System.Globalization;

namespace Isthmus.Bench;

public static partial class Benchmark
{
    /// <summary>
    /// A deep network at the paper's size (PreResNet-164, batch 64 on 32×32 inputs; an 11-layer one in smoke runs):
    /// peak resident memory of training steps and of an evaluation pass against the memory the process held before,
    /// with the step time, so that a regression to keeping every activation of a forward pass shows (<see cref="DeepMemory"/>).
    /// </summary>
    private static IEnumerable<BenchRow> DeepRows(bool smoke, CancellationToken ct)
    {
        var spec = smoke ? new ArchitectureSpec("preresnet164").With("depth", "11") : new ArchitectureSpec("preresnet164");
        var r = DeepMemory.Measure(new DeepMemorySettings(spec, Batch: smoke ? 8 : 64, Steps: smoke ? 1 : 3,
            EvalBatch: smoke ? 20 : 1000, EvalExamples: smoke ? 20 : 1000), ct);
        string size = string.Create(CultureInfo.InvariantCulture, $"{r.Parameters / 1e6:F2} M parameters, 32×32 synthetic images");
        yield return new BenchRow($"peak memory of a training step / resident before ({spec}, batch {r.Batch})", r.TrainPeakMb / r.BaselineMb,
            r.BaselineMb, r.TrainPeakMb, "MB resident", BenchGoal.None,
            string.Create(CultureInfo.InvariantCulture, $"{r.StepSeconds:F2} s/step; {size}; PyTorch side by side: tools/memory_vs_pytorch.py"));
        yield return new BenchRow($"peak memory of an evaluation pass / resident before ({spec}, {r.EvalBatch} images)", r.EvalPeakMb / r.BaselineMb,
            r.BaselineMb, r.EvalPeakMb, "MB resident", BenchGoal.None,
            string.Create(CultureInfo.InvariantCulture, $"{r.EvalSeconds:F1} s; {size}"));
    }
}
