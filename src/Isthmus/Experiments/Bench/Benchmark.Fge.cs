using System.Diagnostics;
using Isthmus.Nn;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Experiments.Bench;

public static partial class Benchmark
{
    /// <summary>
    /// Seconds per step of plain training (A, a fixed rate) and of Algorithm 1 (B): the cyclic rate of every iteration and the
    /// member collection of <see cref="MemberTraining.Collector"/>, which writes a checkpoint once per cycle of
    /// <paramref name="steps"/> iterations (to a temporary folder). Phases alternate, same data and initialisation.
    /// </summary>
    private static Paired FgeStepTimes(Session session, ArchitectureSpec spec, int steps, int repeats, CancellationToken ct)
    {
        using var data = Slice(session.Data, steps * 128, 1000);
        var folder = Path.Combine(Path.GetTempPath(), $"isthmus-bench-{Guid.NewGuid():N}");
        try
        {
            var run = RunDirectory.Create(folder, "bench", force: false, resume: false);
            using var plainNet = session.Build(spec, 1, seed: 1);
            using var fgeNet = session.Build(spec, 1, seed: 1);
            using var plainOpt = new Sgd(plainNet.Space.TrainableTensors(), 0.9, 5e-4);
            using var fgeOpt = new Sgd(fgeNet.Space.TrainableTensors(), 0.9, 5e-4);
            var schedule = new FgeSchedule(0.05, 0.0005, steps % 2 == 0 ? steps : steps + 1);
            using var writer = new BackgroundWriter();
            var collect = MemberTraining.Collector(run, fgeNet, schedule, "fge", [], writer);
            // The FGE block waits for its last member's write before its clock stops (that write overlapped the steps).
            double Fge(int r)
            {
                double perStep = Phase(fgeNet, fgeOpt, FixedPoint.Instance, data, 5e-4, r, ct, schedule: schedule, afterStep: collect);
                var wait = Stopwatch.StartNew();
                writer.Flush();
                return perStep + wait.Elapsed.TotalSeconds / (steps - 1);
            }
            return Alternate(r => Phase(plainNet, plainOpt, FixedPoint.Instance, data, 5e-4, r, ct), Fge, repeats);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
