using Isthmus.Landscape;
using Isthmus.Platform;

namespace Isthmus.Bench;

public static partial class Benchmark
{
    /// <summary>Cut dimensions of the cut rows: small (dense directions), the wedge model's 10³ and 10⁵ (Fastfood).</summary>
    private static readonly int[] CutDimensions = [10, 1000, 100_000];

    /// <summary>
    /// Training inside a random cut (docs/science.md §5) against plain training of the same network: the time of a step
    /// at each of <see cref="CutDimensions"/> (d capped at N/2 for a small network), projection chosen as
    /// <c>study cuts</c> chooses it, blocks paired; and the process's peak resident memory over cut steps at the
    /// largest d against over plain steps.
    /// </summary>
    private static IEnumerable<BenchRow> CutRows(Session session, ArchitectureSpec spec, int steps, int repeats, int batch, CancellationToken ct, Action? partDone)
    {
        using var data = Slice(session.Data, (long)steps * batch, 1000);
        var rows = new List<BenchRow>();
        foreach (int asked in CutDimensions)
        {
            using var plainNet = session.Build(spec, 1, seed: 1);
            using var plainOpt = new Sgd(plainNet.Space.TrainableTensors(), 0.9, 0);
            using var cutNet = session.Build(spec, 2, seed: 1);
            int d = (int)Math.Min(asked, cutNet.Layout.TotalElements / 2);
            CutSampler.PlaceAnchor(cutNet.Space, radius: null);
            using var cut = RandomCut.Create(cutNet.Layout, d, seed: 1, session.Device);
            using var cutOpt = new Sgd([cut.Coordinates], 0.9, 0);
            var sampler = new CutSampler(cut);
            var t = Alternate(r => Phase(plainNet, plainOpt, FixedPoint.Instance, data, batch, 0, r, ct),
                r => Phase(cutNet, cutOpt, sampler, data, batch, 0, r, ct), repeats, partDone);
            var goal = asked switch { 1000 => BenchGoal.Below(2.0), 100_000 => BenchGoal.Below(3.0), _ => BenchGoal.None };
            rows.Add(new BenchRow($"cut step / plain step ({spec}, d = {d})", t.Ratio, t.A * 1000, t.B * 1000, "ms/step", goal,
                $"{cut.Projection} projection, N = {cut.Parameters}; batch {batch}; {t.Spread}", t.CiLow, t.CiHigh));
        }
        rows.Add(CutPeakRow(session, spec, data, batch, ct));
        return rows;
    }

    /// <summary>
    /// The process's peak resident memory over a block of cut steps at the largest d (the network, its projection and
    /// the optimiser built inside the measured span) against over plain steps the same way, one after the other, so
    /// that only one of them is alive at a time and both share the data set: what <c>study cuts</c> holds against <c>train</c>.
    /// </summary>
    private static BenchRow CutPeakRow(Session session, ArchitectureSpec spec, DataBundle data, int batch, CancellationToken ct)
    {
        NativeMemory.Trim();
        PeakMemory.Reset();
        using (var net = session.Build(spec, 1, seed: 1))
        using (var opt = new Sgd(net.Space.TrainableTensors(), 0.9, 0))
            Phase(net, opt, FixedPoint.Instance, data, batch, 0, 0, ct);
        double plainPeak = PeakMemory.PeakBytes;
        NativeMemory.Trim();
        PeakMemory.Reset();
        string projection;
        int d;
        using (var net = session.Build(spec, 2, seed: 1))
        {
            d = (int)Math.Min(CutDimensions[^1], net.Layout.TotalElements / 2);
            CutSampler.PlaceAnchor(net.Space, radius: null);
            using var cut = RandomCut.Create(net.Layout, d, seed: 1, session.Device);
            using var opt = new Sgd([cut.Coordinates], 0.9, 0);
            Phase(net, opt, new CutSampler(cut), data, batch, 0, 0, ct);
            projection = cut.Projection;
        }
        double cutPeak = PeakMemory.PeakBytes;
        return new BenchRow($"peak memory of cut training / plain training ({spec}, d = {d}, {projection})", cutPeak / plainPeak, plainPeak / 1e6, cutPeak / 1e6,
            "MB peak resident", BenchGoal.Below(2.0), "whole process over one block of steps each, the data set resident in both");
    }
}
