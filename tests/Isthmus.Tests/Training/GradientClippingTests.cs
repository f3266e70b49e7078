using Isthmus.Nn.Models;

namespace Isthmus.Tests.Training;

/// <summary>Gradient-norm clipping: the point's gradient is scaled to the threshold, never above it, and the trainer applies it.</summary>
[Collection(Nn.TorchGlobalRandom.Name)]
public sealed class GradientClippingTests
{
    private static readonly ArchitectureSpec Lm = new ArchitectureSpec("lstm-lm").With("hidden", "6").With("layers", "2").With("dropout", "0");

    /// <summary>A language model of 12 words bound to a fresh space of <paramref name="controlPoints"/> control points, with the gradient of one batch's loss at its point.</summary>
    private static (Network Net, WeightSpace Space) WithGradient(int controlPoints)
    {
        var net = ModelZoo.Build(Lm, new DataShape([], 12));
        var space = WeightSpace.Create(net.Layout, controlPoints, seed: 3);
        net.Bind(space);
        if (controlPoints > 1) space.MoveTo(new Bezier(1).Coefficients(0.3));
        using var g = new Generator(5);
        var ids = randint(0, 12, [7, 3], generator: g);
        var targets = randint(0, 12, [21], generator: g);
        nn.functional.cross_entropy(net.Forward(ids), targets).mul(40).backward(); // a gradient far above the thresholds below
        return (net, space);
    }

    private static Tensor Flat(WeightSpace space) => cat(space.ControlTensors(0).Select(t => t.detach().flatten()).ToArray()).clone();

    private static Tensor[] PointGradients(WeightSpace space) =>
        Enumerable.Range(0, space.Layout.Count).Select(p => space.Point(p).grad!.detach().clone()).ToArray();

    /// <summary>The gradients' joint Euclidean norm at the space's point, computed apart from the clipping code.</summary>
    private static double PointNorm(WeightSpace space)
    {
        using var scope = NewDisposeScope();
        return Math.Sqrt(PointGradients(space).Sum(g => Math.Pow(g.norm().item<float>(), 2)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_large_gradient_is_scaled_to_the_threshold_in_its_own_direction(int controlPoints)
    {
        var (net, space) = WithGradient(controlPoints);
        using var _n = net;
        using var _s = space;
        double before = PointNorm(space);
        var original = PointGradients(space);
        double threshold = before / 4;
        Assert.True(threshold > 0.1);

        using (var reported = GradientClipping.ClipPoint(space, threshold)) Assert.Equal(before, reported.item<float>(), before * 1e-5);

        double after = PointNorm(space);
        Assert.True(after <= threshold * (1 + 1e-5), $"norm {after} after clipping at {threshold}");
        Assert.Equal(threshold, after, threshold * 1e-4);
        var clipped = PointGradients(space);
        for (int p = 0; p < clipped.Length; p++) Close.Assert(original[p].mul(threshold / (before + 1e-6)), clipped[p], 1e-6);
    }

    [Fact]
    public void A_gradient_under_the_threshold_is_left_alone()
    {
        var (net, space) = WithGradient(1);
        using var _n = net;
        using var _s = space;
        var original = PointGradients(space);
        double norm = PointNorm(space);
        GradientClipping.ClipPoint(space, norm * 2).Dispose();
        var after = PointGradients(space);
        for (int p = 0; p < after.Length; p++) Assert.True(Close.Identical(original[p], after[p]));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipPoint(space, 0));
    }

    [Fact]
    public void The_trainer_moves_the_weights_by_the_rate_times_the_threshold_when_it_clips()
    {
        // One step of plain SGD (no momentum, no decay) on one batch: Δw = −η·g, so ‖Δw‖ = η·min(‖g‖, clip).
        const double rate = 0.5, clip = 0.005;
        var ids = Enumerable.Range(0, 40).Select(i => (long)(i * 7 % 12)).ToArray();
        using var data = DataBundle.ForText("tiny-text", TextDataset.FromIds(ids), TextDataset.FromIds(ids[..20]),
            Vocabulary.FromWords([Vocabulary.Unknown, Vocabulary.EndOfLine, .. Enumerable.Range(0, 10).Select(i => $"w{i}")]));
        double Moved(double threshold)
        {
            using var net = ModelZoo.Build(Lm, new DataShape([], data.Classes));
            using var space = WeightSpace.Create(net.Layout, seed: 4);
            net.Bind(space);
            var start = Flat(space);
            using var optimizer = new Sgd(space.TrainableTensors(), momentum: 0, weightDecay: 0);
            var train = BatchSources.Training(data, 2, 1);
            Assert.Equal(1, train.BatchesPerEpoch);
            Trainer.Run(new TrainingJob
            {
                Network = net, Train = train, Eval = BatchSources.Evaluation(data), Schedule = new ConstantSchedule(rate),
                Optimizer = optimizer, WeightDecay = 0, Epochs = 1, Seed = 1, Clip = threshold,
            });
            using var end = Flat(space);
            return (end - start).norm().item<float>();
        }
        double free = Moved(0);
        Assert.True(free > 4 * rate * clip, $"the unclipped step moved {free}; the test needs a gradient well above the threshold");
        Assert.Equal(rate * clip, Moved(clip), rate * clip * 1e-3);
    }
}
