namespace Isthmus.Tests.Landscape;

/// <summary>A random cut W = W0 + Pᵀz: orthonormal, nested directions, the same whether kept or drawn again, and z's gradient is P·∂L/∂W.</summary>
public sealed class RandomCutTests
{
    // 64 inputs × 300 hidden units: the first weight (19 200 elements) spans two generator chunks.
    private static readonly DataShape Shape = new([1, 8, 8], 3);
    private static readonly ArchitectureSpec Spec = new ArchitectureSpec("mlp").With("widths", "300");

    private static Network CutNetwork(long seed = 7)
    {
        var net = ModelZoo.Build(Spec, Shape);
        net.Bind(WeightSpace.Create(net.Layout, controlPoints: 2, seed: seed));
        return net;
    }

    private static Tensor Directions(RandomCut cut) => stack(Enumerable.Range(0, cut.Dimension).Select(cut.Direction).ToArray());

    [Fact]
    public void The_directions_are_orthonormal_in_both_modes()
    {
        using var net = CutNetwork();
        Assert.True(net.Layout.Specs[0].Numel > RandomCut.ChunkElements);
        foreach (long limit in new[] { RandomCut.DefaultMaxDenseBytes, 0 })
        {
            using var cut = RandomCut.Create(net.Layout, 6, seed: 3, maxDenseBytes: limit, projection: CutProjection.Dense);
            Assert.Equal(limit > 0, cut.IsDense);
            using var p = Directions(cut);
            Assert.Equal(new long[] { 6, net.Layout.TotalElements }, p.shape);
            Close.Assert(eye(6), p.mm(p.t()), 1e-5);
        }
    }

    [Fact]
    public void Kept_and_redrawn_directions_agree_and_smaller_cuts_are_nested_in_larger_ones()
    {
        using var net = CutNetwork();
        using var dense = RandomCut.Create(net.Layout, 6, seed: 3);
        using var drawn = RandomCut.Create(net.Layout, 6, seed: 3, maxDenseBytes: 0, projection: CutProjection.Dense);
        using var small = RandomCut.Create(net.Layout, 2, seed: 3);
        using var other = RandomCut.Create(net.Layout, 2, seed: 4);
        using var pd = Directions(dense);
        using var pg = Directions(drawn);
        using var ps = Directions(small);
        using var po = Directions(other);
        Close.Assert(pd, pg, 1e-5);
        Close.Assert(pd.narrow(0, 0, 2), ps, 1e-6);
        Assert.True(po.mm(ps.t()).abs().max().item<float>() < 0.1, "another seed should give other (nearly orthogonal) directions");
    }

    [Fact]
    public void At_z_0_the_point_is_the_anchor_scaled_to_the_radius()
    {
        using var net = CutNetwork();
        var space = net.Space;
        var init = space.ControlTensors(CutSampler.Anchor).Select(t => t.detach().clone()).ToArray();
        double initNorm = Math.Sqrt(init.Sum(t => t.square().sum().item<float>()));
        double norm = CutSampler.PlaceAnchor(space, radius: 5.0);
        Assert.Equal(5.0, norm, 9);
        using var cut = RandomCut.Create(net.Layout, 4, seed: 1);
        var sampler = new CutSampler(cut);
        sampler.MoveTo(space);
        for (int p = 0; p < net.Layout.Count; p++)
        {
            Assert.True(Close.Identical(space.Control(CutSampler.Anchor, p), space.Point(p)), $"point differs from W0 in '{net.Layout.Specs[p].Name}'");
            Close.Assert(init[p].mul(5.0 / initNorm), space.Point(p), 1e-6);
        }
        Assert.False(space.IsTrainable(CutSampler.Anchor));
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("generated")]
    [InlineData("fastfood")]
    public void The_gradient_of_z_is_the_derivative_of_the_loss_along_each_direction(string projection)
    {
        using var net = CutNetwork();
        var space = net.Space;
        CutSampler.PlaceAnchor(space, radius: null);
        using var cut = RandomCut.Create(net.Layout, 3, seed: 2, maxDenseBytes: projection == "generated" ? 0 : RandomCut.DefaultMaxDenseBytes,
            projection: projection == "fastfood" ? CutProjection.Fastfood : CutProjection.Dense);
        Assert.Equal(projection, cut.Projection);
        var sampler = new CutSampler(cut);
        using var g = new Generator(5);
        var x = randn([16, 1, 8, 8], generator: g);
        var y = randint(0, 3, [16], generator: g);
        using (no_grad()) cut.Coordinates.copy_(tensor(new[] { 0.3f, -0.2f, 0.5f }));
        const double wd = 1e-2;

        double Loss(float[] z)
        {
            using (no_grad()) cut.Coordinates.copy_(tensor(z));
            sampler.MoveTo(space);
            using var _ = no_grad();
            using var sq = space.SquaredNorm();
            return nn.functional.cross_entropy(net.Forward(x), y).item<float>() + 0.5 * wd * sq.item<float>();
        }

        var z0 = cut.Coordinates.detach().data<float>().ToArray();
        sampler.MoveTo(space);
        nn.functional.cross_entropy(net.Forward(x), y).backward();
        space.PushGradientsToControls(wd);
        sampler.FinishGradients(space);
        var grad = cut.Coordinates.grad!.data<float>().ToArray();
        const float eps = 1e-2f;
        for (int j = 0; j < 3; j++)
        {
            var plus = z0.ToArray();
            var minus = z0.ToArray();
            plus[j] += eps;
            minus[j] -= eps;
            double numeric = (Loss(plus) - Loss(minus)) / (2 * eps);
            Assert.True(Math.Abs(numeric - grad[j]) < 2e-3 + 1e-2 * Math.Abs(numeric), $"z[{j}]: autograd {grad[j]}, finite difference {numeric}");
        }
    }
}
