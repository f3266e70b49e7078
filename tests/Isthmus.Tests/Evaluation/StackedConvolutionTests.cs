namespace Isthmus.Tests.Evaluation;

/// <summary>
/// Convolutional networks score several points per pass (grouped convolutions, batch norm per point, each point's
/// statistics recomputed in the same pass) with the numbers of one point at a time.
/// </summary>
public sealed class StackedConvolutionTests
{
    /// <summary>Seeded images of <paramref name="shape"/> (C, H, W), 3 classes learnable from the pixel sum.</summary>
    private static DataBundle Images(int train, int test, long[] shape)
    {
        using var gen = new TorchSharp.torch.Generator(11);
        var x = randn([train + test, .. shape], generator: gen);
        var y = x.flatten(1).sum(1).floor().remainder(3).to_type(ScalarType.Int64).abs();
        var channels = (int)shape[0];
        var norm = new Normalization(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());
        return DataBundle.ForImages("synthetic", new ImageDataset(x.narrow(0, 0, train).clone(), y.narrow(0, 0, train).clone(), norm),
            new ImageDataset(x.narrow(0, train, test).clone(), y.narrow(0, train, test).clone(), norm), classes: 3, augment: false);
    }

    /// <summary>Scores 5 points of a 3-control-point space (a stack of 4 and one of 1) both ways and compares them.</summary>
    private static void ScoresEqual(ArchitectureSpec spec, long[] shape, int train, double tolerance)
    {
        using var data = Images(train, 70, shape);
        using var net = ModelZoo.Build(spec, new DataShape(shape, 3));
        using var space = WeightSpace.Create(net.Layout, controlPoints: 3, seed: 4);
        net.Bind(space);
        double[][] points = [[1, 0, 0], [0.25, 0.5, 0.25], [0.04, 0.32, 0.64], [-0.5, 1.0, 0.5], [0, 0, 1]];
        int[] indices = [0, 1, 2, 3, 4];
        var four = Synthetic.Evaluator(data, 4);
        Assert.True(four.CanStack(net));
        var stacked = GridEvaluator.Evaluate(net, points, indices, four, i => $"{i}");
        Assert.Equal(0, space.Stacked);
        var alone = GridEvaluator.Evaluate(net, points, indices, Synthetic.Evaluator(data, 1), i => $"{i}");
        for (int q = 0; q < points.Length; q++)
        {
            var (a, b) = (alone[q].Metrics, stacked[q].Metrics);
            Assert.Equal(a.TrainLoss, b.TrainLoss, tolerance);
            Assert.Equal(a.Train.Nll, b.Train.Nll, tolerance);
            Assert.Equal(a.Test.Nll, b.Test.Nll, tolerance);
            Assert.Equal(a.Train.Error, b.Train.Error);
            Assert.Equal(a.Test.Error, b.Test.Error);
        }
    }

    private static ArchitectureSpec ConvFc(bool bn) =>
        bn ? new ArchitectureSpec("convfc").With("width_factor", "0.1").With("bn", "true") : new ArchitectureSpec("convfc").With("width_factor", "0.1");

    [Fact]
    public void Convfc_without_batch_norm_stacked_equals_one_point_at_a_time() =>
        ScoresEqual(ConvFc(bn: false), [1, 16, 16], train: 130, tolerance: 1e-5);

    [Fact]
    public void Convfc_with_batch_norm_recalibrated_over_several_batches_stacked_equals_one_point_at_a_time() =>
        // 2,100 training examples: the recalibration pass averages three batches of 1,000, 1,000 and 100.
        ScoresEqual(ConvFc(bn: true), [1, 16, 16], train: 2100, tolerance: 1e-5);

    [Fact]
    public void LeNet5_stacked_equals_one_point_at_a_time() =>
        ScoresEqual(new ArchitectureSpec("lenet5"), [1, 28, 28], train: 60, tolerance: 1e-5);

    [Fact]
    public void A_small_preresnet_with_batch_norm_stacked_equals_one_point_at_a_time() =>
        ScoresEqual(new ArchitectureSpec("preresnet110").With("depth", "8"), [3, 8, 8], train: 60, tolerance: 1e-5);

    [Fact]
    public void A_small_wide_resnet_stacked_equals_one_point_at_a_time() =>
        ScoresEqual(new ArchitectureSpec("wrn28x10").With("depth", "10").With("widen", "1"), [3, 8, 8], train: 60, tolerance: 1e-5);

    [Fact]
    public void Points_per_pass_follow_the_memory_budget()
    {
        using var data = Images(50, 10, [1, 16, 16]);
        using var net = ModelZoo.Build(ConvFc(bn: true), new DataShape([1, 16, 16], 3));
        using var space = WeightSpace.Create(net.Layout, controlPoints: 3, seed: 4);
        net.Bind(space);
        var evaluator = Synthetic.Evaluator(data, 32);
        // Widest stage output of one example: 3 channels × 16 × 16 after the first convolution.
        long perPoint = 4 * (net.Layout.TotalElements + 50L * EvaluationBatch.ActivationsPerStage * 3 * 16 * 16);
        Assert.Equal(32, evaluator.PointsPerPassFor(net));
        var tight = new PointEvaluator(BatchSources.TrainingForEvaluation(data), BatchSources.Evaluation(data), 5e-4) { StackMemoryBytes = 5 * perPoint + 1 };
        Assert.Equal(5, tight.PointsPerPassFor(net));
        var tiny = new PointEvaluator(BatchSources.TrainingForEvaluation(data), BatchSources.Evaluation(data), 5e-4) { StackMemoryBytes = 1 };
        Assert.Equal(1, tiny.PointsPerPassFor(net));
    }
}
