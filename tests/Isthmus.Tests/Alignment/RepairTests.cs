namespace Isthmus.Tests.Alignment;

/// <summary>REPAIR gives each hidden unit of an interpolated network the interpolated mean and std of the endpoints' units, and changes nothing at the endpoints.</summary>
public class RepairTests
{
    [Theory]
    [InlineData("mlp", "widths=32,24")]
    [InlineData("convfc", "width_factor=0.25")]
    [InlineData("wrn28x10", "depth=10;widen=1")] // the residual stream, corrected at the end of each stage
    public void Repaired_units_have_the_interpolated_statistics_and_the_endpoints_are_untouched(string model, string options)
    {
        var spec = AlignmentFixtures.Spec(model, options);
        using var net = AlignmentFixtures.Random(spec, seed: 1, controlPoints: 2);
        using var data = AlignmentFixtures.Images(3, train: 256);
        var train = BatchSources.TrainingForEvaluation(data);
        var layers = NetworkPermutation.Groups(net).Select(g => g.Name).ToArray();
        var space = net.Space;

        space.MoveTo([1.0, 0.0]);
        var endA = Moments(net, train, layers);
        space.MoveTo([0.0, 1.0]);
        var endB = Moments(net, train, layers);
        using var x = data.Train!.Images.narrow(0, 0, 16);
        space.MoveTo([1.0, 0.0]);
        using var plain = net.Forward(x).detach().clone();

        using var repair = Repair.Attach(net, train, batches: null);
        space.MoveTo([1.0, 0.0]);
        repair.Recompute(train, batches: null);
        using (var repaired = net.Forward(x)) Assert.True(repaired.allclose(plain, 0, 0), "REPAIR changed a control point");

        const double t = 0.3;
        space.MoveTo([1 - t, t]);
        var raw = Moments(net, train, layers, keepHook: false);
        repair.Recompute(train, batches: null);
        var fixedUp = Moments(net, train, layers);
        foreach (var l in layers)
        {
            var wantMean = endA[l].Mean.Select((m, i) => (1 - t) * m + t * endB[l].Mean[i]).ToArray();
            var wantStd = endA[l].Std.Select((s, i) => (1 - t) * s + t * endB[l].Std[i]).ToArray();
            for (int i = 0; i < wantMean.Length; i++)
            {
                Assert.True(Math.Abs(wantMean[i] - fixedUp[l].Mean[i]) < 1e-3, $"{l}[{i}]: mean {fixedUp[l].Mean[i]}, want {wantMean[i]} (raw {raw[l].Mean[i]}, A {endA[l].Mean[i]}, B {endB[l].Mean[i]}; std {fixedUp[l].Std[i]} raw {raw[l].Std[i]} want {wantStd[i]})");
                Assert.True(Math.Abs(wantStd[i] - fixedUp[l].Std[i]) < 1e-3 * Math.Max(1, wantStd[i]), $"{l}[{i}]: std {fixedUp[l].Std[i]}, want {wantStd[i]}");
            }
            // Interpolation shrank the units' spread (Jordan et al. 2022, §3); REPAIR restored it.
            Assert.True(raw[l].Std.Average() < wantStd.Average(), $"{l}: std {raw[l].Std.Average()} vs {wantStd.Average()}");
        }
    }

    /// <summary>Mean and std of each layer's output as the network now computes it (through REPAIR's hook, if attached and <paramref name="keepHook"/>).</summary>
    internal static Dictionary<string, (double[] Mean, double[] Std)> Moments(Network net, IBatchSource train, string[] layers, bool keepHook = true)
    {
        var hook = net.LayerOutput;
        var sizes = NetworkPermutation.Groups(net).ToDictionary(g => g.Name, g => g.Size);
        var moments = layers.ToDictionary(l => l, l => new UnitMoments(sizes[l]));
        net.LayerOutput = (name, y) =>
        {
            var z = keepHook && hook is not null ? hook(name, y) : y;
            if (moments.TryGetValue(name, out var m)) m.Add(UnitMoments.Samples(z));
            return z;
        };
        try
        {
            using var _ = no_grad();
            train.BeginEpoch(0);
            for (int i = 0; i < train.BatchesPerEpoch; i++)
                using (var scope = NewDisposeScope()) net.Forward(train.Batch(i).X);
        }
        finally { net.LayerOutput = hook; }
        return moments.ToDictionary(kv => kv.Key, kv =>
        {
            using var mean = kv.Value.Mean();
            using var std = kv.Value.Std();
            kv.Value.Dispose();
            return (mean.data<double>().ToArray(), std.data<double>().ToArray());
        });
    }
}
