namespace Isthmus.Tests.Curves;

/// <summary>A curve as a weight space: its endpoints are the base networks, and its bends get c_k(t) × the gradient at φ(t).</summary>
public sealed class CurveSpaceTests
{
    private static readonly DataShape Shape = new([1, 2, 2], 3);
    private static readonly ArchitectureSpec Spec = new ArchitectureSpec("mlp").With("widths", "5");

    private static Network Curve(int controlPoints, long seed)
    {
        var net = ModelZoo.Build(Spec, Shape);
        net.Bind(WeightSpace.Create(net.Layout, controlPoints, seed: seed));
        return net;
    }

    private static (Tensor X, Tensor Y) Batch(ulong seed)
    {
        using var g = new Generator(seed);
        return (randn([8, 1, 2, 2], generator: g), randint(0, 3, [8], generator: g));
    }

    [Theory]
    [InlineData("bezier", 1)]
    [InlineData("bezier", 3)]
    [InlineData("polychain", 2)]
    [InlineData("segment", 0)]
    public void Endpoints_reproduce_the_base_networks_outputs_bit_for_bit(string name, int bends)
    {
        using var folder = new TempFolder();
        using var a = Curve(1, seed: 11);
        using var b = Curve(1, seed: 22);
        Checkpoint.Save(folder["a.safetensors"], a);
        Checkpoint.Save(folder["b.safetensors"], b);

        var family = CurveFamily.Create(name, bends);
        using var curve = Curve(family.ControlPoints, seed: 33); // random bends
        Checkpoint.Load(folder["a.safetensors"], curve, controlPoint: 0);
        Checkpoint.Load(folder["b.safetensors"], curve, controlPoint: family.Bends + 1);
        var sampler = new CurveSampler(family);
        var (x, _) = Batch(5);
        using var _g = no_grad();

        sampler.MoveTo(curve.Space, 0.0);
        Assert.True(Close.Identical(a.Forward(x), curve.Forward(x)), "φ(0) does not give the start network's logits");
        sampler.MoveTo(curve.Space, 1.0);
        Assert.True(Close.Identical(b.Forward(x), curve.Forward(x)), "φ(1) does not give the end network's logits");
    }

    [Theory]
    [InlineData("bezier", 1, 0.0)]
    [InlineData("bezier", 1, 0.1)]
    [InlineData("bezier", 2, 5e-2)]
    [InlineData("polychain", 2, 0.0)]
    [InlineData("polychain", 2, 5e-2)]
    public void Gradient_reaching_control_point_k_is_ck_times_the_gradient_at_the_point(string name, int bends, double wd)
    {
        var family = CurveFamily.Create(name, bends);
        using var net = Curve(family.ControlPoints, seed: 7);
        var space = net.Space;
        const double t = 0.3;
        var c = family.Coefficients(t);
        var (x, y) = Batch(9);

        space.MoveTo(c);
        nn.functional.cross_entropy(net.Forward(x), y).backward();
        space.PushGradientsToControls(wd);

        // Reference: autograd through φ(t) = Σ_k c_k θ_k built in the graph, with the decay ½·wd·‖φ(t)‖² in the loss.
        var leaves = Enumerable.Range(0, family.ControlPoints)
            .Select(k => space.ControlTensors(k).Select(θ => θ.detach().clone().requires_grad_(true)).ToArray()).ToArray();
        Tensor Point(string parameter)
        {
            int p = net.Layout.IndexOf(parameter);
            var w = leaves[0][p] * c[0];
            for (int k = 1; k < family.ControlPoints; k++) w = w + leaves[k][p] * c[k];
            return w;
        }
        var names = net.Layout.Specs.Select(s => s.Name).ToArray();
        var points = names.ToDictionary(n => n, Point);
        var hidden = nn.functional.relu(nn.functional.linear(x.flatten(1), points["layers.0.weight"], points["layers.0.bias"]));
        var logits = nn.functional.linear(hidden, points["layers.2.weight"], points["layers.2.bias"]);
        var loss = nn.functional.cross_entropy(logits, y);
        foreach (var w in points.Values) loss = loss + 0.5 * wd * w.square().sum();
        loss.backward();

        for (int k = 0; k < family.ControlPoints; k++)
            for (int p = 0; p < names.Length; p++)
            {
                var expected = leaves[k][p].grad!;
                var actual = space.Control(k, p).grad!;
                Assert.True(expected.allclose(actual, rtol: 1e-5, atol: 1e-7),
                    $"control {k}, {names[p]}: max |difference| {(expected - actual).abs().max().item<float>()}");
            }
    }

    [Fact]
    public void Fixed_endpoints_receive_no_gradient()
    {
        var family = new Bezier(1);
        using var net = Curve(family.ControlPoints, seed: 7);
        var space = net.Space;
        space.SetTrainable(0, false);
        space.SetTrainable(2, false);
        space.MoveTo(family.Coefficients(0.4));
        var (x, y) = Batch(3);
        nn.functional.cross_entropy(net.Forward(x), y).backward();
        space.PushGradientsToControls(1e-3);
        Assert.All(space.ControlTensors(0).Concat(space.ControlTensors(2)), θ => Assert.Null(θ.grad));
        Assert.All(space.ControlTensors(1), θ => Assert.NotNull(θ.grad));
        Assert.Equal(space.ControlTensors(1).Count, space.TrainableTensors().Count());
    }

    [Fact]
    public void Linear_init_makes_the_initial_bezier_curve_the_segment()
    {
        var family = new Bezier(2);
        using var net = Curve(family.ControlPoints, seed: 4);
        var space = net.Space;
        BendInit.Apply(space, family, "linear");
        var sampler = new CurveSampler(family);
        foreach (var t in new[] { 0.2, 0.5, 0.9 })
        {
            sampler.MoveTo(space, t);
            for (int p = 0; p < net.Layout.Count; p++)
            {
                using var segment = space.Control(0, p).detach() * (1 - t) + space.Control(3, p).detach() * t;
                Assert.True(segment.allclose(space.Point(p), rtol: 1e-5, atol: 1e-6));
            }
        }
    }

    [Fact]
    public void Polychain_linear_init_puts_bend_k_on_the_segment_at_its_bend_time_and_start_init_copies_the_start()
    {
        var family = new PolyChain(3);
        using var net = Curve(family.ControlPoints, seed: 4);
        var space = net.Space;
        BendInit.Apply(space, family, "linear");
        int p = net.Layout.IndexOf("layers.0.weight");
        using (var expected = space.Control(0, p).detach() * 0.5 + space.Control(4, p).detach() * 0.5)
            Assert.True(expected.allclose(space.Control(2, p), rtol: 1e-6, atol: 1e-7));
        BendInit.Apply(space, family, "start");
        Assert.True(Close.Identical(space.Control(0, p), space.Control(1, p)) && Close.Identical(space.Control(0, p), space.Control(3, p)));
    }

    [Fact]
    public void Sampler_draws_t_in_the_unit_interval_from_the_given_generator()
    {
        var family = new Bezier(1);
        using var net = Curve(family.ControlPoints, seed: 2);
        var sampler = new CurveSampler(family);
        var first = new List<double>();
        var again = new List<double>();
        using (var g = new Generator(42)) for (int i = 0; i < 200; i++) { sampler.Next(net.Space, g); first.Add(sampler.LastT); }
        using (var g = new Generator(42)) for (int i = 0; i < 200; i++) { sampler.Next(net.Space, g); again.Add(sampler.LastT); }
        Assert.Equal(first, again);
        Assert.All(first, t => Assert.InRange(t, 0.0, 1.0));
        Assert.InRange(first.Average(), 0.4, 0.6);
        Assert.Equal(family.Coefficients(sampler.LastT), net.Space.Coefficients);
    }

    [Theory]
    [InlineData("bezier", 1, 0.9, 5e-2)]
    [InlineData("bezier", 2, 0.9, 0.0)]
    [InlineData("polychain", 2, 0.0, 5e-2)]
    public void Stepping_controls_straight_from_the_point_equals_pushing_gradients_then_stepping(string name, int bends, double momentum, double wd)
    {
        var family = CurveFamily.Create(name, bends);
        using var general = Curve(family.ControlPoints, seed: 7);
        using var fused = Curve(family.ControlPoints, seed: 7);
        foreach (var net in new[] { general, fused })
        {
            net.Space.SetTrainable(0, false);
            net.Space.SetTrainable(family.ControlPoints - 1, false);
        }
        using var generalOpt = new Sgd(general.Space.TrainableTensors(), momentum, 0);
        using var fusedOpt = new Sgd(fused.Space.TrainableTensors(), momentum, 0);
        for (int step = 0; step < 4; step++)
        {
            var c = family.Coefficients(0.15 + 0.2 * step);
            var (x, y) = Batch((ulong)(40 + step));
            general.Space.MoveTo(c);
            nn.functional.cross_entropy(general.Forward(x), y).backward();
            general.Space.PushGradientsToControls(wd);
            generalOpt.Step(0.1);

            fused.Space.MoveTo(c);
            nn.functional.cross_entropy(fused.Forward(x), y).backward();
            Assert.True(FusedControlStep.TryStep(fused.Space, fusedOpt, 0.1, wd));
        }
        for (int k = 0; k < family.ControlPoints; k++)
            for (int p = 0; p < general.Layout.Count; p++)
                Assert.True(general.Space.Control(k, p).allclose(fused.Space.Control(k, p), rtol: 1e-5, atol: 1e-6), $"control {k}, parameter {p}");
    }
}
