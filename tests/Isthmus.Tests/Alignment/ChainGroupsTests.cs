using Isthmus.Space.Permutations;

namespace Isthmus.Tests.Alignment;

/// <summary>
/// Permutation groups of TorchScript networks (tests/fixtures/make_model_fixtures.py): inferred for a plain chain of
/// convolutions, batch norms and linear layers, refused for a network with a skip connection.
/// </summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class ChainGroupsTests
{
    /// <summary>The fixture at a random point of PyTorch's default initialisation (<see cref="AlignmentFixtures.AtRandomPoint"/>).</summary>
    private static Network Build(string file, long seed) =>
        AlignmentFixtures.AtRandomPoint(ModelZoo.Build(TorchScriptNetwork.SpecFor(Nn.TorchScriptNetworkTests.Fixture(file)).With("reinit", "true"), new DataShape([1, 28, 28], 10)), seed);

    [Fact]
    public void A_scripted_chain_gets_the_groups_of_the_zoo_model_it_equals_and_a_permuted_copy_is_matched_back()
    {
        using var a = Build("convfc-bn-half.pt", seed: 3);
        var groups = NetworkPermutation.Groups(a);
        // The fixture is convfc with --bn --width-factor 0.5 under the same names: the zoo's groups, axis for axis.
        using var zoo = ModelZoo.Build(AlignmentFixtures.Spec("convfc", "width_factor=0.5;bn=true"), new DataShape([1, 28, 28], 10));
        Assert.Equal(zoo.PermutationGroups!.Select(g => (g.Name, g.Size, string.Join(" ", g.Axes))),
            groups.Select(g => (g.Name, g.Size, string.Join(" ", g.Axes))));

        var (b, applied) = AlignmentFixtures.PermutedCopy(a, seed: 7);
        using var _ = b;
        using var x = randn(8, 1, 28, 28, generator: new Generator(9));
        using var logitsA = a.Forward(x).detach().clone();
        using (var permuted = b.Forward(x)) Assert.True(permuted.allclose(logitsA, 1e-4, 1e-4)); // the same function
        var found = WeightMatching.Match(groups, NetworkPermutation.Parameters(a), NetworkPermutation.Parameters(b), seed: 1).Permutations;
        foreach (var g in groups) Assert.Equal(PermutationSet.Invert(applied[g.Name]), found[g.Name]);

        // Activation matching and REPAIR read hidden units through Isthmus's own layers, which a module from outside has not.
        using var data = AlignmentFixtures.Images(2, train: 64);
        var e = Assert.Throws<IsthmusException>(() => ActivationMatching.Match(a, b, BatchSources.TrainingForEvaluation(data)));
        Assert.Contains("--method weights", e.Message);
    }

    [Fact]
    public void A_network_with_a_skip_connection_is_refused_in_one_sentence()
    {
        // Its parameters alone look like a chain (conv, bn, conv, bn, conv, bn, fc): only its logits show the residual block.
        using var net = Build("smallnet.pt", seed: 3);
        var e = Assert.Throws<IsthmusException>(() => NetworkPermutation.Groups(net));
        Assert.Contains("more than a chain", e.Message);
        Assert.Single(e.Message.Split(". ", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Parameters_that_are_no_linear_convolution_or_batch_norm_are_refused()
    {
        var (groups, reason) = ChainGroups.Infer([("emb.weight", [10, 4]), ("ln.weight", [4]), ("ln.bias", [4]), ("fc.weight", [3, 4])], new HashSet<string>());
        Assert.Null(groups);
        Assert.Contains("'ln'", reason);
    }
}
