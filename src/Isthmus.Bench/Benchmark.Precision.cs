using Isthmus.Platform;

namespace Isthmus.Bench;

public static partial class Benchmark
{
    /// <summary>Plain training steps with bf16 autocast against float32, phases alternating, same data and initialisation.</summary>
    private static BenchRow Bf16StepTime(Session session, ArchitectureSpec spec, int steps, int repeats, int batch, CancellationToken ct, Action? pairDone)
    {
        using var data = Slice(session.Data, (long)steps * batch, 1000);
        using var fp32Net = session.Build(spec, 1, seed: 1);
        using var bf16Net = session.Build(spec, 1, seed: 1);
        using var fp32Opt = new Sgd(fp32Net.Space.TrainableTensors(), 0.9, 5e-4);
        using var bf16Opt = new Sgd(bf16Net.Space.TrainableTensors(), 0.9, 5e-4);
        var t = Alternate(r => Phase(fp32Net, fp32Opt, FixedPoint.Instance, data, batch, 5e-4, r, ct),
            r => Phase(bf16Net, bf16Opt, FixedPoint.Instance, data, batch, 5e-4, r, ct, ScalarType.BFloat16), repeats, pairDone);
        bool native = Precision.Bf16Caveat(session.Device) is null;
        return new BenchRow($"bf16 step / fp32 step ({spec})", t.Ratio, t.A * 1000, t.B * 1000, "ms/step",
            BenchGoal.Below(0.56, "≤ 0.56 (1.8× faster, with AMX)").Unless(native ? null : "no AMX"),
            (native ? "autocast: products in bf16" : "no AMX on this CPU") + "; " + t.Spread, t.CiLow, t.CiHigh);
    }

    /// <summary>Test error after a short run of the standard schedule with bf16 autocast and with float32, from the same initialisation.</summary>
    private static BenchRow Bf16Accuracy(Session session, ArchitectureSpec spec, int epochs, long examples, int batch, CancellationToken ct, Action? runDone)
    {
        using var data = Slice(session.Data, examples, examples);
        double TestError(ScalarType? autocast)
        {
            using var net = session.Build(spec, 1, seed: 2);
            using var optimizer = new Sgd(net.Space.TrainableTensors(), 0.9, 5e-4);
            var eval = BatchSources.Evaluation(data);
            Trainer.Run(new TrainingJob
            {
                Network = net, Train = BatchSources.Training(data, batch, 2), Eval = eval, Schedule = Schedules.Create("standard", 0.05),
                Optimizer = optimizer, WeightDecay = 5e-4, Epochs = epochs, Seed = 2, Autocast = autocast,
            }, ct: ct);
            double error = Evaluator.Evaluate(net, eval, ct).Error;
            runDone?.Invoke();
            return error;
        }
        double fp32 = TestError(null), bf16 = TestError(ScalarType.BFloat16);
        return new BenchRow($"test error after {epochs} epoch{(epochs == 1 ? "" : "s")}, bf16 / fp32 ({spec})", bf16 / fp32, fp32, bf16, "% test error",
            BenchGoal.Judged("equal within 0.1 pp", Math.Abs(bf16 - fp32) <= 0.1 + 1e-9), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"difference {bf16 - fp32:+0.00;-0.00;0.00} pp; evaluated in fp32"));
    }
}
