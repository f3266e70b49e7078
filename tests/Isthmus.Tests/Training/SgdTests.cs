namespace Isthmus.Tests.Training;

public sealed class SgdTests
{
    [Fact]
    public void Sgd_matches_torch_optim_SGD_with_momentum_and_weight_decay()
    {
        using var w1 = randn(5, 4, generator: new Generator(3)).requires_grad_(true);
        using var w2 = w1.detach().clone().requires_grad_(true);
        using var ours = new Sgd([w1], momentum: 0.9, weightDecay: 5e-4);
        var theirs = optim.SGD([new TorchSharp.Modules.Parameter(w2)], 0.05, momentum: 0.9, weight_decay: 5e-4);
        var theirsParam = theirs.parameters().Single();
        for (int step = 0; step < 5; step++)
        {
            using var x = randn(5, 4, generator: new Generator((ulong)(100 + step)));
            (w1 * x).square().sum().backward();
            ours.Step(step < 3 ? 0.05 : 0.01);
            ours.ZeroGrad();
            theirs.ParamGroups.First().LearningRate = step < 3 ? 0.05 : 0.01;
            (theirsParam * x).square().sum().backward();
            theirs.step();
            theirs.zero_grad();
        }
        Assert.True(w1.allclose(theirsParam, rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public void Restored_momentum_continues_exactly()
    {
        using var a = ones(3).requires_grad_(true);
        using var b = ones(3).requires_grad_(true);
        using var sa = new Sgd([a], 0.9, 0);
        using var sb = new Sgd([b], 0.9, 0);
        for (int i = 0; i < 2; i++) { (a * a).sum().backward(); sa.Step(0.1); sa.ZeroGrad(); }
        using (no_grad()) b.copy_(a);
        foreach (var (i, buf) in sa.State()) sb.Restore(i, buf);
        (a * a).sum().backward(); sa.Step(0.1);
        (b * b).sum().backward(); sb.Step(0.1);
        Assert.True(Tensors.Same(a, b));
    }
}
