using Isthmus.Nn.Layers;

namespace Isthmus.Tests.Evaluation;

public sealed class BatchNormCalibrationTests
{
    [Fact]
    public void Recomputed_running_mean_equals_the_mean_over_the_training_data()
    {
        // 2000 examples = two evaluation batches of 1000: the cumulative average of equal batches is the full mean.
        using var data = Synthetic.Images(train: 2000, test: 10, channels: 3, seed: 1);
        using var net = new LayerHost(b =>
        {
            var bn = new BatchNorm(b, "bn", 3);
            return x => bn.Forward(x);
        });
        using var space = Isthmus.Space.WeightSpace.Create(net.Layout);
        net.Bind(space);
        Assert.True(net.Buffers.TryGet("bn.running_mean", out var mean));
        Assert.True(net.Buffers.TryGet("bn.running_var", out var variance));
        using (no_grad()) { mean.fill_(7); variance.fill_(7); } // stale statistics from elsewhere

        BatchNormCalibration.Recompute(net, BatchSources.TrainingForEvaluation(data));

        var images = data.Train!.Images;
        var expectedMean = images.mean([0, 2, 3]);
        Assert.True(expectedMean.allclose(mean, rtol: 1e-5, atol: 1e-6));
        // Variance: the average of the two batches' unbiased variances, as PyTorch's update_bn computes it.
        var halves = images.split(1000, 0);
        var expectedVar = (halves[0].var([0, 2, 3], unbiased: true) + halves[1].var([0, 2, 3], unbiased: true)) / 2;
        Assert.True(expectedVar.allclose(variance, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(0.1, net.BatchNormMomentum); // restored after the pass
    }
}
