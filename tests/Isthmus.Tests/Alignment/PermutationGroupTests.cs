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
        { "vgg16", "" },
        { "vgg16", "bn=true" },
        { "preresnet110", "depth=14" },                   // basic blocks: the stem's channels are stage 1's stream
        { "preresnet164", "depth=11" },                   // bottleneck: a shortcut widens the stem's 16 channels to 64
        { "wrn28x10", "depth=10;widen=1" },               // stage 1 without a shortcut
        { "wrn28x10", "depth=16;widen=2;dropout=0.3" },   // every stage entered by a shortcut
    };

    /// <summary>Language models: the embedding (untied) and the hidden units of each LSTM layer.</summary>
    public static TheoryData<string> LanguageModels => new() { "layers=1", "layers=2", "layers=2;tie=true", "layers=1;tie=true" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Random_permutations_by_the_declared_groups_leave_the_logits_unchanged(string model, string options)
    {
        using var net = AlignmentFixtures.Random(AlignmentFixtures.Spec(model, options), seed: 5); // statistics unlike the defaults
        using var x = randn(4, 1, 28, 28, generator: new Generator(3));
        AssertInvariant(net, x);
    }

    [Theory]
    [MemberData(nameof(LanguageModels))]
    public void Random_permutations_of_a_language_model_leave_its_logits_unchanged(string options)
    {
        using var net = AlignmentFixtures.RandomLanguageModel(options, seed: 5);
        using var x = randint(0, AlignmentFixtures.Vocabulary, [7, 3], generator: new Generator(3));
        AssertInvariant(net, x);
    }

    [Fact]
    public void The_residual_stream_of_a_stage_is_one_group_across_its_skip_connections()
    {
        using var net = AlignmentFixtures.Random(AlignmentFixtures.Spec("preresnet110", "depth=20"), seed: 1);
        var groups = NetworkPermutation.Groups(net).ToDictionary(g => g.Name);
        // Stem and stage 1 (basic blocks, 16 channels, no shortcut); stages 2 and 3 entered by a downsampling shortcut.
        Assert.Equal(["layer1", "layer2", "layer3"], groups.Keys.Where(k => !k.Contains('.')).Order());
        HashSet<(string, int)> Axes(string group) => groups[group].Axes.Select(a => (a.Tensor, a.Axis)).ToHashSet();
        var stage2 = Axes("layer2");
        foreach (int block in new[] { 0, 1, 2 })
        {
            Assert.Contains(($"layer2.{block}.conv2.weight", 0), stage2); // every block writes into the stream
            Assert.Contains(($"layer2.{block}.bn2.weight", 0), Axes($"layer2.{block}.conv1")); // inside the block: its own group
            if (block == 0) continue; // the first reads stage 1's stream
            Assert.Contains(($"layer2.{block}.bn1.running_mean", 0), stage2);
            Assert.Contains(($"layer2.{block}.conv1.weight", 1), stage2);
        }
        Assert.Contains(("layer2.0.conv1.weight", 1), Axes("layer1"));
        Assert.Contains(("layer2.0.downsample.0.weight", 0), stage2);
        Assert.Contains(("layer3.0.downsample.0.weight", 1), stage2); // read by the next stage's shortcut
        Assert.Contains(("conv1.weight", 0), Axes("layer1"));
        Assert.Contains(("fc.weight", 1), Axes("layer3"));
        Assert.Equal(3 + 9, groups.Count); // a stream per stage, one hidden convolution per block
    }

    private static void AssertInvariant(Network net, Tensor x)
    {
        var groups = NetworkPermutation.Groups(net);
        Assert.NotEmpty(groups);
        net.Training = false;
        net.ResetState();
        using var before = net.Forward(x).detach().clone();
        var perms = PermutationSet.Random(groups, seed: 11);
        Assert.False(perms.IsIdentity);
        using var weightBefore = net.Space.Point(0).clone();
        NetworkPermutation.Apply(net, perms);
        Assert.False(net.Space.Point(0).allclose(weightBefore, 0, 0)); // the weights did move
        net.ResetState();
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
