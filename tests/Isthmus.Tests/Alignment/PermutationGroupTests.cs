using Isthmus.Space.Permutations;

namespace Isthmus.Tests.Alignment;

public class PermutationGroupTests
{
    public static TheoryData<string, string> Models => new()
    {
        { "mlp", "widths=12,9,7" },
        { "lenet5", "" },
        { "convfc", "width_factor=0.25" },
        { "convfc", "width_factor=0.25;bn=true" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Random_permutations_by_the_declared_groups_leave_the_logits_unchanged(string model, string options)
    {
        var spec = new ArchitectureSpec(model);
        foreach (var kv in options.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(o => o.Split('=')))
            spec = spec.With(kv[0], kv[1]);
        using var net = ModelZoo.Build(spec, new DataShape([1, 28, 28], 10));
        using var space = WeightSpace.Create(net.Layout, seed: 5);
        net.Bind(space);
        using (no_grad())
            foreach (var (name, t) in net.Buffers.All) // statistics unlike the defaults, so that permuting them matters
                if (name.EndsWith("running_mean")) t.normal_(0, 0.5); else if (name.EndsWith("running_var")) t.uniform_(0.5, 2);
        var groups = NetworkPermutation.Groups(net);
        Assert.NotEmpty(groups);
        net.Training = false;
        using var x = randn(4, 1, 28, 28, generator: new Generator(3));
        using var before = net.Forward(x).detach().clone();
        var perms = PermutationSet.Random(groups, seed: 11);
        Assert.False(perms.IsIdentity);
        using var weightBefore = net.Space.Point(0).clone();
        NetworkPermutation.Apply(net, perms);
        Assert.False(net.Space.Point(0).allclose(weightBefore, 0, 0)); // the weights did move
        using var after = net.Forward(x);
        Assert.True(after.allclose(before, rtol: 1e-4, atol: 1e-5), $"max |Δ| = {(after - before).abs().max().item<float>()}");
    }

    [Fact]
    public void Applying_the_inverse_restores_the_weights()
    {
        using var net = ModelZoo.Build(new ArchitectureSpec("convfc").With("width_factor", "0.25").With("bn", "true"), new DataShape([1, 28, 28], 10));
        using var space = WeightSpace.Create(net.Layout, seed: 2);
        net.Bind(space);
        var original = NetworkPermutation.State(net).ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var groups = NetworkPermutation.Groups(net);
        var perms = PermutationSet.Random(groups, seed: 4);
        NetworkPermutation.Apply(net, perms);
        NetworkPermutation.Apply(net, new PermutationSet(groups, groups.ToDictionary(g => g.Name, g => PermutationSet.Invert(perms[g.Name]))));
        foreach (var (name, t) in NetworkPermutation.State(net)) Assert.True(t.allclose(original[name], 0, 0), name);
    }
}
