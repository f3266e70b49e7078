namespace Isthmus.Bench;

public static partial class Benchmark
{
    /// <summary>Parts of the memory row's progress (each a twentieth of its steps).</summary>
    private const int MemoryParts = 20;

    /// <summary>Resident memory after <paramref name="totalSteps"/> steps against after 100; <paramref name="partDone"/> hears every twentieth of the steps.</summary>
    private static BenchRow Memory(Session session, ArchitectureSpec spec, int totalSteps, int batch, CancellationToken ct, Action partDone)
    {
        int parts = 0;
        using var net = session.Build(spec, 1, seed: 1);
        using var optimizer = new Sgd(net.Space.TrainableTensors(), 0.9, 5e-4);
        var train = BatchSources.Training(session.Data, batch, 1);
        int epochs = (totalSteps + train.BatchesPerEpoch - 1) / train.BatchesPerEpoch;
        using var small = Slice(session.Data, batch, 1000);
        double early = double.NaN, late = double.NaN;
        var progress = new SyncProgress<TrainingProgress>(p =>
        {
            long step = (long)p.Epoch * p.BatchesPerEpoch + p.Batch;
            if (double.IsNaN(early) && step >= 100) early = Rss();
            if (step >= totalSteps || (p.Epoch == epochs && p.Batch == 0)) late = Rss();
            for (; parts < MemoryParts && step >= (long)(parts + 1) * totalSteps / MemoryParts; parts++) partDone();
        });
        Trainer.Run(new TrainingJob
        {
            Network = net, Train = train, Eval = BatchSources.Evaluation(small), Schedule = new ConstantSchedule(0.05),
            Optimizer = optimizer, WeightDecay = 5e-4, Epochs = epochs, Seed = 1,
        }, progress, ct);
        return new BenchRow($"memory after {totalSteps} steps / after 100 ({spec})", late / early, early / 1e6, late / 1e6, "MB resident", BenchGoal.Below(1.05), "whole process");
    }

    private static BenchRow PeakFraction(Session session, ArchitectureSpec spec, int steps, int batch, CancellationToken ct)
    {
        double peak = MatmulPeak(session.Device);
        using var data = Slice(session.Data, (long)steps * batch, 1000);
        using var net = session.Build(spec, 1, seed: 1);
        using var optimizer = new Sgd(net.Space.TrainableTensors(), 0.9, 5e-4);
        Phase(net, optimizer, FixedPoint.Instance, data, batch, 5e-4, 0, ct);
        double perStep = Phase(net, optimizer, FixedPoint.Instance, data, batch, 5e-4, 1, ct);
        // A dense layer costs 2·params FLOPs per example forward and 4·params backward.
        double flops = 6.0 * net.Layout.TotalElements * batch / perStep;
        return new BenchRow($"plain training / matmul peak ({spec})", flops / peak, peak / 1e9, flops / 1e9, "GFLOP/s", new BenchGoal("as high as possible"),
            "peak: fp32 2048² matmul on all threads");
    }

    private static double MatmulPeak(Device device)
    {
        using var a = randn([2048, 2048], device: device);
        using var b = randn([2048, 2048], device: device);
        using (var w = a.matmul(b)) { }
        var clock = Stopwatch.StartNew();
        const int n = 10;
        for (int i = 0; i < n; i++) using (var c = a.matmul(b)) { }
        return n * 2.0 * 2048 * 2048 * 2048 / clock.Elapsed.TotalSeconds;
    }

    private static double Rss()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }
}
