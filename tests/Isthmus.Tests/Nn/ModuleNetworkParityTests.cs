namespace Isthmus.Tests.Nn;

/// <summary>
/// The zoo's convfc with batch norm against the same architecture written in PyTorch (tests/fixtures/convfc-bn-half.pt,
/// same state-dict names): with the same weights they compute the same logits and gradients, and a curve step through
/// the fused path moves the bend alike.
/// </summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class ModuleNetworkParityTests
{
    private static readonly DataShape Images = new([1, 28, 28], 10);

    private static (Network Zoo, Network Script) Pair(int controlPoints)
    {
        var zoo = ModelZoo.Build(new ArchitectureSpec("convfc").With("bn", "true").With("width_factor", "0.5"), Images);
        var script = ModelZoo.Build(TorchScriptNetwork.SpecFor(TorchScriptNetworkTests.Fixture("convfc-bn-half.pt")), Images);
        var a = WeightSpace.Create(zoo.Layout, controlPoints, seed: 3);
        var b = WeightSpace.CreateEmpty(script.Layout, controlPoints);
        for (int k = 0; k < controlPoints; k++)
            for (int i = 0; i < script.Layout.Count; i++)
                b.SetControl(k, i, a.Control(k, zoo.Layout.IndexOf(script.Layout.Specs[i].Name)));
        b.MoveTo(a.Coefficients.ToArray());
        zoo.Bind(a);
        script.Bind(b);
        return (zoo, script);
    }

    private static double Worst(Network zoo, Network script, Func<WeightSpace, int, Tensor?> read)
    {
        double worst = 0;
        for (int i = 0; i < script.Layout.Count; i++)
        {
            var s = read(script.Space, i)!;
            var z = read(zoo.Space, zoo.Layout.IndexOf(script.Layout.Specs[i].Name))!;
            worst = Math.Max(worst, (s - z).abs().max().item<float>() / Math.Max(1e-3, z.abs().max().item<float>()));
        }
        return worst;
    }

    [Fact]
    public void Same_weights_give_the_zoos_logits_and_gradients()
    {
        var (zoo, script) = Pair(1);
        using var _z = zoo;
        using var _s = script;
        using var gen = new Generator(4);
        var x = randn([16, 1, 28, 28], generator: gen);
        var y = randint(10, [16], generator: gen);
        foreach (var net in new[] { zoo, script })
        {
            net.Training = true;
            nn.functional.cross_entropy(net.Forward(x), y).backward();
        }
        Assert.True(Worst(zoo, script, (s, i) => s.Point(i).grad) < 1e-4);
        zoo.Training = script.Training = false;
        using var __ = no_grad();
        Assert.True((zoo.Forward(x) - script.Forward(x)).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void A_fused_curve_step_moves_the_bend_as_the_zoos_does()
    {
        var (zoo, script) = Pair(3);
        using var _z = zoo;
        using var _s = script;
        using var gen = new Generator(4);
        var x = randn([16, 1, 28, 28], generator: gen);
        var y = randint(10, [16], generator: gen);
        var bezier = new Bezier(1);
        foreach (var net in new[] { zoo, script })
        {
            var space = net.Space;
            space.SetTrainable(0, false);
            space.SetTrainable(2, false);
            using var optimizer = new Sgd(space.TrainableTensors(), 0.9, 0);
            net.Training = true;
            for (int step = 0; step < 3; step++)
            {
                space.MoveTo(bezier.Coefficients(0.3 + 0.2 * step));
                nn.functional.cross_entropy(net.Forward(x), y).backward();
                Assert.True(FusedControlStep.TryStep(space, optimizer, 0.05, 5e-4));
            }
        }
        Assert.True(Worst(zoo, script, (s, i) => s.Control(1, i)) < 1e-4);
        Assert.True(Worst(zoo, script, (s, i) => s.Control(0, i)) == 0);
    }
}
