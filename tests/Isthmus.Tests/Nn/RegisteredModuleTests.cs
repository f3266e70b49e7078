namespace Isthmus.Tests.Nn;

/// <summary>A C# user's own TorchSharp module as an architecture: the example of docs/library.md, run.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class RegisteredModuleTests
{
    [Fact]
    public void A_registered_torchsharp_module_trains_on_a_curve_like_any_zoo_network()
    {
        // docs/library.md, "Your own TorchSharp module"
        ModelZoo.Register("docs-tiny-mlp", "a two-layer MLP written in TorchSharp", (spec, data) =>
            nn.Sequential(("flatten", nn.Flatten()), ("hidden", nn.Linear(data.InputShape.Aggregate(1L, (a, b) => a * b), 32)),
                ("relu", nn.ReLU()), ("out", nn.Linear(32, data.Classes))));
        using var net = ModelZoo.Build(new ArchitectureSpec("docs-tiny-mlp"), new DataShape([1, 28, 28], 10));
        // end of the example

        Assert.Equal(["hidden.weight", "hidden.bias", "out.weight", "out.bias"], net.Layout.Specs.Select(s => s.Name));
        using var space = WeightSpace.Create(net.Layout, 3, seed: 1);
        net.Bind(space);
        space.SetTrainable(0, false);
        space.SetTrainable(2, false);
        using var optimizer = new Sgd(space.TrainableTensors(), 0.9, 0);
        using var bendBefore = space.Control(1, 0).detach().clone();
        using var startBefore = space.Control(0, 0).detach().clone();
        var x = randn(32, 1, 28, 28);
        var y = randint(10, [32]);
        net.Training = true;
        var bezier = new Bezier(1);
        var losses = new List<float>();
        for (int step = 0; step < 20; step++)
        {
            using var scope = NewDisposeScope();
            space.MoveTo(bezier.Coefficients(0.5));
            var loss = nn.functional.cross_entropy(net.Forward(x), y);
            loss.backward();
            Assert.True(FusedControlStep.TryStep(space, optimizer, 0.05, 0));
            losses.Add(loss.item<float>());
        }
        Assert.True(losses[^1] < 0.5 * losses[0], $"{losses[0]} -> {losses[^1]}");
        Assert.False(Tensors.Same(bendBefore, space.Control(1, 0)));
        Assert.True(Tensors.Same(startBefore, space.Control(0, 0)));
        Assert.Throws<ArgumentException>(() => ModelZoo.Register("docs-tiny-mlp", "again", (s, d) => nn.Sequential()));
    }
}
