using Isthmus.Storage;

namespace Isthmus.Bench;

public static partial class Benchmark
{
    /// <summary>
    /// FGE's cycle in the benchmark: 2 epochs of the training set in minibatches of <paramref name="batch"/> (938 steps for
    /// MNIST at 128), the cycle of the demo and of the paper's MNIST-sized runs.
    /// </summary>
    internal static int FgeBenchCycle(Data.DataBundle data, int batch) => 2 * (int)((data.Train!.Count + batch - 1) / batch);

    /// <summary>
    /// Algorithm 1 against plain SGD, in two parts. (1) Steps: plain training (A, a fixed rate) against training under the
    /// cyclic rate of every iteration (B), blocks paired. (2) Collection: what <see cref="MemberTraining.Collector"/>
    /// costs per member — the copy of the weights in the step plus its background write, waited for to the end (more
    /// than a run waits: it overlaps the following steps there) — timed over several members. The row's ratio adds
    /// (2), spread over one cycle of <paramref name="cycle"/> iterations, to (1).
    /// </summary>
    private static (Paired Steps, double MemberSeconds) FgeStepTimes(Session session, ArchitectureSpec spec, int steps, int repeats, int batch, int cycle,
        CancellationToken ct, Action? partDone)
    {
        using var data = Slice(session.Data, (long)steps * batch, 1000);
        var folder = Path.Combine(Path.GetTempPath(), $"isthmus-bench-{Guid.NewGuid():N}");
        try
        {
            var run = RunDirectory.Create(folder, "bench", force: false, resume: false);
            using var plainNet = session.Build(spec, 1, seed: 1);
            using var fgeNet = session.Build(spec, 1, seed: 1);
            using var plainOpt = new Sgd(plainNet.Space.TrainableTensors(), 0.9, 5e-4);
            using var fgeOpt = new Sgd(fgeNet.Space.TrainableTensors(), 0.9, 5e-4);
            var schedule = new FgeSchedule(0.05, 0.0005, cycle);
            var stepTimes = Alternate(r => Phase(plainNet, plainOpt, FixedPoint.Instance, data, batch, 5e-4, r, ct),
                r => Phase(fgeNet, fgeOpt, FixedPoint.Instance, data, batch, 5e-4, r, ct, schedule: schedule), repeats, partDone);

            using var writer = new BackgroundWriter();
            var collect = MemberTraining.Collector(run, fgeNet, schedule, "fge", [], writer);
            var collecting = new TrainingClock(0, cycle / 2 - 1, cycle, 1); // iteration c/2: a collection
            const int members = 6;
            var times = new List<double>();
            for (int m = 0; m <= members; m++)
            {
                var clock = Stopwatch.StartNew();
                collect(collecting);
                writer.Flush();
                if (m > 0) times.Add(clock.Elapsed.TotalSeconds); // the first is a warm-up
            }
            partDone?.Invoke();
            return (stepTimes, Median(times));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
