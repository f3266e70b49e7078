using Isthmus.Platform;

namespace Isthmus.Tests.Training;

/// <summary>bf16 autocast: products in bfloat16, weights, statistics and loss in float32, evaluation untouched.</summary>
public sealed class MixedPrecisionTests
{
    [Fact]
    public void Precision_names_map_to_autocast_types_and_unknown_ones_are_refused()
    {
        Assert.Null(Precision.AutocastType("fp32"));
        Assert.Equal(ScalarType.BFloat16, Precision.AutocastType("bf16"));
        var e = Assert.Throws<IsthmusException>(() => Precision.AutocastType("fp16"));
        Assert.Equal("--precision takes fp32 or bf16 (got 'fp16').", e.Message);
    }

    [Fact]
    public void Under_autocast_a_network_computes_in_bf16_close_to_fp32_and_batch_norm_keeps_float32_statistics()
    {
        using var net = ModelZoo.Build(new ArchitectureSpec("convfc").With("bn", "true").With("width_factor", "0.25"), new DataShape([1, 28, 28], 10));
        using var space = WeightSpace.Create(net.Layout, seed: 4);
        net.Bind(space);
        var x = randn(16, 1, 28, 28, generator: new Generator(2));
        using var _ = no_grad();
        net.Training = true;
        var full = net.Forward(x);
        net.Autocast = ScalarType.BFloat16;
        var mixed = net.Forward(x);
        Assert.Equal(ScalarType.Float32, full.dtype);
        Assert.Equal(ScalarType.BFloat16, mixed.dtype);
        Assert.True(mixed.to_type(ScalarType.Float32).allclose(full, rtol: 0.05, atol: 0.05), "bf16 logits far from fp32");
        Assert.False(Tensors.Same(mixed.to_type(ScalarType.Float32), full)); // the products did run in bf16
        foreach (var (name, buffer) in net.Buffers.All) Assert.True(buffer.dtype is ScalarType.Float32 or ScalarType.Int64, name);
        Assert.Equal(ScalarType.Float32, space.Point(0).dtype);
    }

    [Fact]
    public void A_bf16_run_learns_like_fp32_and_leaves_the_network_in_float32()
    {
        using var data = TinyProblem.Images("tiny", seed: 1);
        double TestError(ScalarType? autocast)
        {
            using var net = ModelZoo.Build(TinyProblem.Model, new DataShape(data.InputShape, data.Classes));
            using var space = WeightSpace.Create(net.Layout, seed: 3);
            net.Bind(space);
            using var optimizer = new Sgd(space.TrainableTensors(), 0.9, 5e-4);
            var eval = BatchSources.Evaluation(data);
            var reports = Trainer.Run(new TrainingJob
            {
                Network = net, Train = BatchSources.Training(data, 32, 1), Eval = eval, Schedule = new ConstantSchedule(0.05),
                Optimizer = optimizer, WeightDecay = 5e-4, Epochs = 5, Seed = 1, Autocast = autocast,
            });
            Assert.Null(net.Autocast);
            Assert.True(reports[^1].TrainNll < reports[0].TrainNll);
            return Evaluator.Evaluate(net, eval).Error;
        }
        double fp32 = TestError(null), bf16 = TestError(ScalarType.BFloat16);
        Assert.InRange(fp32, 0, 30);
        Assert.InRange(bf16 - fp32, -5, 5); // 256 test images: 5 pp is about 13 of them
    }
}
