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
        using var bound = SmallConvFc();
        var (net, space) = (bound.Net, bound.Space);
        var x = randn(16, 1, 28, 28, generator: new Generator(2));
        using var _ = no_grad();
        var full = net.Forward(x);
        net.Autocast = ScalarType.BFloat16;
        var mixed = net.Forward(x);
        Assert.Equal(ScalarType.Float32, full.dtype);
        Assert.Equal(ScalarType.BFloat16, mixed.dtype);
        // Logits here are at most 0.20 and differ from float32 by at most 0.0023 (PyTorch 1.13's autocast: 0.003); a
        // convolution computed wrongly in bf16 gave 0.12 (Precision.Bf16ConvolutionIsSound), which this catches.
        Assert.True(mixed.to_type(ScalarType.Float32).allclose(full, rtol: 0.05, atol: 0.05), "bf16 logits far from fp32");
        Assert.False(Tensors.Same(mixed.to_type(ScalarType.Float32), full)); // the products did run in bf16
        foreach (var (name, buffer) in net.Buffers.All) Assert.True(buffer.dtype is ScalarType.Float32 or ScalarType.Int64, name);
        Assert.Equal(ScalarType.Float32, space.Point(0).dtype);
    }

    [Fact]
    public void Under_autocast_the_gradients_stay_as_close_to_fp32_as_PyTorch_autocast_keeps_them()
    {
        // Channels 8, 16, 32: the CPU's bf16 convolutions go wrong for 8 output channels, and for the input gradient of
        // 8 input channels (Precision.Bf16ConvolutionIsSound). Computed that way, every gradient but the last layer's
        // was off by 50 % to 190 % of its norm. Sound bf16 is not close either: backward through train-mode batch norm
        // of 16 samples loses digits, and PyTorch 1.13's own autocast on this network is off by 4 % to 18 % (this code:
        // 5 % to 11 %). The bound sits between the two.
        using var bound = SmallConvFc();
        var (net, space) = (bound.Net, bound.Space);
        var x = randn(16, 1, 28, 28, generator: new Generator(2));
        var y = randint(0, 10, [16], generator: new Generator(3));
        Tensor[] Gradients(ScalarType? autocast)
        {
            net.Autocast = autocast;
            var loss = nn.functional.cross_entropy(net.Forward(x).to_type(ScalarType.Float32), y);
            return autograd.grad([loss], space.TrainableTensors().ToList()).Select(g => g.detach()).ToArray();
        }
        var full = Gradients(null);
        var mixed = Gradients(ScalarType.BFloat16);
        int compared = 0;
        for (int i = 0; i < full.Length; i++)
        {
            double norm = full[i].norm().item<float>();
            if (norm < 1e-6) continue; // a convolution's bias before batch norm: its gradient is zero but for rounding
            double rel = (mixed[i] - full[i]).norm().item<float>() / norm;
            Assert.True(rel < 0.25, $"gradient of tensor {i}: relative error {rel:F4}");
            compared++;
        }
        Assert.Equal(15, compared);
    }

    /// <summary>convfc with batch norm at width 0.25 (channels 8, 16, 32), in train mode.</summary>
    private sealed record Bound(Network Net, WeightSpace Space) : IDisposable
    {
        public void Dispose()
        {
            Net.Dispose();
            Space.Dispose();
        }
    }

    /// <summary>A convfc with batch norm at a quarter of the width, in train mode, bound to a fresh one-point space.</summary>
    private static Bound SmallConvFc()
    {
        var net = ModelZoo.Build(new ArchitectureSpec("convfc").With("bn", "true").With("width_factor", "0.25"), new DataShape([1, 28, 28], 10));
        var space = WeightSpace.Create(net.Layout, seed: 4);
        net.Bind(space);
        net.Training = true;
        return new Bound(net, space);
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
