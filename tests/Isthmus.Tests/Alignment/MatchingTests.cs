using Isthmus.Space.Permutations;

namespace Isthmus.Tests.Alignment;

/// <summary>Weight and activation matching find the permutation that relabelled a copy of a network.</summary>
public class MatchingTests
{
    /// <summary>The architectures of <see cref="PermutationGroupTests"/>, by each method (VGG-16 by weights only).</summary>
    public static TheoryData<string, string, string> ModelsAndMethods()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in PermutationGroupTests.Models)
            foreach (var method in new[] { "weights", "activations" })
                if (!(method == "activations" && (string)row[0] == "vgg16")) // a minute of convolutions on CPU; same taps as convfc
                    data.Add((string)row[0], (string)row[1], method);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndMethods))]
    public void Matching_a_permuted_copy_back_recovers_the_identity(string model, string options, string method)
    {
        using var a = AlignmentFixtures.Random(AlignmentFixtures.Spec(model, options), seed: 3);
        var (b, applied) = AlignmentFixtures.PermutedCopy(a, seed: 7);
        using var _ = b;
        PermutationSet found;
        if (method == "weights")
        {
            var result = WeightMatching.Match(NetworkPermutation.Groups(a), NetworkPermutation.Parameters(a), NetworkPermutation.Parameters(b), seed: 1);
            Assert.True(result.Similarity > result.SimilarityBefore, $"⟨A, π(B)⟩ {result.Similarity} vs {result.SimilarityBefore} before");
            Assert.InRange(result.Sweeps, 1, 10);
            found = result.Permutations;
        }
        else
        {
            using var data = AlignmentFixtures.Images(2, train: 256);
            found = ActivationMatching.Match(a, b, BatchSources.TrainingForEvaluation(data));
        }
        AssertUndoes(a, b, applied, found);
    }

    [Theory]
    [MemberData(nameof(PermutationGroupTests.LanguageModels), MemberType = typeof(PermutationGroupTests))]
    public void Weight_matching_a_permuted_language_model_back_recovers_the_identity(string options)
    {
        using var a = AlignmentFixtures.RandomLanguageModel(options, seed: 3);
        var (b, applied) = AlignmentFixtures.PermutedCopy(a, seed: 7);
        using var _ = b;
        var result = WeightMatching.Match(NetworkPermutation.Groups(a), NetworkPermutation.Parameters(a), NetworkPermutation.Parameters(b), seed: 1);
        Assert.InRange(result.Sweeps, 1, 10);
        using var tokens = randint(0, AlignmentFixtures.Vocabulary, [5, 2], generator: new Generator(9));
        AssertUndoes(a, b, applied, result.Permutations, tokens);
    }

    [Fact]
    public void Weight_matching_two_different_networks_raises_their_inner_product_and_keeps_the_function()
    {
        var spec = AlignmentFixtures.Spec("mlp", "widths=40,30");
        using var a = AlignmentFixtures.Random(spec, seed: 1);
        using var b = AlignmentFixtures.Random(spec, seed: 2);
        var result = WeightMatching.Match(NetworkPermutation.Groups(a), NetworkPermutation.Parameters(a), NetworkPermutation.Parameters(b));
        Assert.False(result.Permutations.IsIdentity);
        Assert.True(result.Similarity > result.SimilarityBefore + 1e-3, $"{result.Similarity} vs {result.SimilarityBefore}");
        using var x = randn(16, 1, 28, 28, generator: new Generator(5));
        using var before = b.Forward(x).detach().clone();
        using var distanceBefore = Distance(a, b);
        NetworkPermutation.Apply(b, result.Permutations);
        using var after = b.Forward(x);
        Assert.True(after.allclose(before, rtol: 1e-4, atol: 1e-4), $"max |Δ| = {(after - before).abs().max().item<float>()}");
        using var distanceAfter = Distance(a, b);
        Assert.True(distanceAfter.item<float>() < distanceBefore.item<float>()); // ‖A − π(B)‖² = ‖A‖² + ‖B‖² − 2⟨A, π(B)⟩
    }

    /// <summary><paramref name="found"/> applied to <paramref name="b"/> gives back <paramref name="a"/>'s weights and logits: it is the inverse of <paramref name="applied"/>.</summary>
    private static void AssertUndoes(Network a, Network b, PermutationSet applied, PermutationSet found, Tensor? input = null)
    {
        foreach (var g in applied.Groups) Assert.Equal(PermutationSet.Invert(applied[g.Name]), found[g.Name]);
        using var x = input?.alias() ?? randn(8, 1, 28, 28, generator: new Generator(9));
        a.ResetState();
        using var logitsA = a.Forward(x).detach().clone();
        NetworkPermutation.Apply(b, found);
        b.ResetState();
        using var logitsB = b.Forward(x);
        Assert.True(logitsB.allclose(logitsA, rtol: 1e-4, atol: 1e-4), $"max |Δ| = {(logitsB - logitsA).abs().max().item<float>()}");
        foreach (var (name, t) in NetworkPermutation.State(b)) Assert.True(t.allclose(NetworkPermutation.State(a)[name], 0, 0), name);
    }

    private static Tensor Distance(Network a, Network b)
    {
        var pa = NetworkPermutation.Parameters(a);
        var pb = NetworkPermutation.Parameters(b);
        return pa.Keys.Select(k => (pa[k] - pb[k]).square().sum()).Aggregate((x, y) => x + y).detach();
    }
}
