using Isthmus.Platform;

namespace Isthmus.Tests.Platform;

/// <summary>The fused passes agree with the torch operations they replace, on sizes that use every code path.</summary>
public sealed class FusedKernelsTests
{
    // Larger than the parallel threshold and not a multiple of any vector width or chunk: threads, chunks and tails.
    private const long Large = (1 << 18) + 16384 * 3 + 7;

    [Theory]
    [InlineData(13L)]
    [InlineData(Large)]
    public void Combine_equals_the_sum_of_scaled_rows(long n)
    {
        using var rows = randn(3, n, generator: new Generator(1));
        var r = new[] { rows[0], rows[1], rows[2] };
        using var target = full(n, float.NaN);
        FusedKernels.Combine(target, r, [0.25, 0.0, -1.5]);
        using var expected = r[0] * 0.25f + r[2] * -1.5f;
        Assert.True(target.allclose(expected, rtol: 1e-6, atol: 1e-6));

        FusedKernels.Combine(target, r, [0.0, 1.0, 0.0]);
        Assert.True(Tensors.Same(target, r[1]), "a single coefficient of 1 must copy its row bitwise");
        FusedKernels.Combine(target, r, [0.0, 0.0, 0.0]);
        Assert.Equal(0f, target.abs().max().item<float>());
    }

    [Theory]
    [InlineData(13L)]
    [InlineData(Large)]
    public void DistributeGradient_scales_the_regularised_gradient_into_each_row(long n)
    {
        using var g = randn(n, generator: new Generator(2));
        using var w = randn(n, generator: new Generator(3));
        using var expected = g + w * 0.01f;
        using var a = empty(n);
        using var b = empty(n);
        FusedKernels.DistributeGradient(g, w, 0.01, [a, b], [0.5, -2.0]);
        Assert.True(a.allclose(expected * 0.5f, rtol: 1e-6, atol: 1e-7));
        Assert.True(b.allclose(expected * -2f, rtol: 1e-6, atol: 1e-7));
    }

    [Theory]
    [InlineData(0.9, 5e-4)]
    [InlineData(0.0, 5e-4)]
    [InlineData(0.9, 0.0)]
    public void A_large_fused_SGD_step_matches_torch_optim_SGD(double momentum, double wd)
    {
        using var w1 = randn(Large, generator: new Generator(4)).requires_grad_(true);
        using var w2 = w1.detach().clone().requires_grad_(true);
        using var ours = new Sgd([w1], momentum, wd);
        var theirs = optim.SGD([new TorchSharp.Modules.Parameter(w2)], 0.05, momentum: momentum, weight_decay: wd);
        var theirsParam = theirs.parameters().Single();
        for (int step = 0; step < 4; step++)
        {
            using var x = randn(Large, generator: new Generator((ulong)(10 + step)));
            (w1 * x).square().sum().backward();
            ours.Step(0.05, releaseGradients: true);
            Assert.Null(w1.grad);
            (theirsParam * x).square().sum().backward();
            theirs.step();
            theirs.zero_grad();
        }
        Assert.True(w1.allclose(theirsParam, rtol: 1e-5, atol: 1e-6));
    }
}
