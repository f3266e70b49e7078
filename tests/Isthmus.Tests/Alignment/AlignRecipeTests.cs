namespace Isthmus.Tests.Alignment;

/// <summary><c>align</c> end to end on the tiny problem: B′ is B's function as a train run every command opens; bad input is refused in one sentence.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class AlignRecipeTests(TinyProblem problem) : IClassFixture<TinyProblem>
{
    private AlignOutcome Align(string name, string method = AlignSettings.Weights, string? to = null) =>
        problem.InSession(session => AlignRecipe.Run(new AlignSettings { From = problem.A, To = to ?? problem.B, Method = method, Out = problem.Folder(name) }, session));

    [Theory]
    [InlineData(AlignSettings.Weights)]
    [InlineData(AlignSettings.Activations)]
    public void The_aligned_network_is_a_train_run_with_Bs_function_closer_to_A(string method)
    {
        var outcome = Align("aligned-" + method, method);
        Assert.InRange(outcome.MaxLogitChange, 0, 1e-4);
        Assert.True(outcome.Moved > 0, "no unit moved");
        Assert.Equal(outcome.Original!.TestError!.Value, outcome.Aligned.TestError!.Value, 9);
        Assert.Equal(outcome.Original.TrainLoss!.Value, outcome.Aligned.TrainLoss!.Value, 4); // sums in another order

        var aligned = TrainedRun.Open(outcome.Folder);
        var b = TrainedRun.Open(problem.B);
        Assert.Equal(b.Kind, aligned.Kind);
        Assert.Equal(b.WeightDecay, aligned.WeightDecay);
        var section = aligned.Run!.Manifest.Section(ManifestKey.Alignment)!;
        Assert.Equal(method, (string)section["method"]!);
        Assert.Equal(Path.GetFullPath(problem.A), (string)section["from"]!);
        var perms = Json.ReadObject(Path.Combine(outcome.Folder, AlignRecipe.PermutationsFile));
        Assert.Equal(32, perms["groups"]![0]!["permutation"]!.AsArray().Count);
        // B′ is nearer A than B is (weight matching maximises ⟨A, π(B)⟩; activation matching does so here too).
        Assert.True(Distance(problem.A, outcome.Folder) < Distance(problem.A, problem.B));
        // Every command opens it like a trained network: the segment A–B′ has its own network kind.
        Assert.Equal(2, TrainedRun.OpenAll([problem.A, outcome.Folder], "connect", "--from and --to").Count);
    }

    [Fact]
    public void Bad_input_is_refused_in_one_sentence()
    {
        var method = Assert.Throws<IsthmusException>(() => Align("bad-method", "sinkhorn"));
        Assert.Contains("--method", method.Message);
        var narrow = Assert.Throws<IsthmusException>(() => Align("bad-narrow", to: problem.Narrow));
        Assert.Contains("same architecture", narrow.Message);
        Assert.False(Directory.Exists(problem.Folder("bad-narrow")) && Directory.EnumerateFileSystemEntries(problem.Folder("bad-narrow")).Any());
        // A TorchScript network with a residual block: no groups can be inferred for it (ChainGroupsTests).
        using var residual = ModelZoo.Build(TorchScriptNetwork.SpecFor(Nn.TorchScriptNetworkTests.Fixture("smallnet.pt")), new DataShape([1, 28, 28], 10));
        residual.Bind(WeightSpace.Create(residual.Layout, 1, seed: 1));
        var none = Assert.Throws<IsthmusException>(() => NetworkPermutation.Groups(residual));
        Assert.Contains("cannot be aligned", none.Message);
        foreach (var e in new[] { method, narrow, none }) Assert.Single(e.Message.Split(". ", StringSplitOptions.RemoveEmptyEntries));
    }

    private static double Distance(string runA, string runB)
    {
        using var a = Safetensors.Load(TrainedRun.Open(runA).ModelPath);
        using var b = Safetensors.Load(TrainedRun.Open(runB).ModelPath);
        return a.Tensors.Sum(kv => (kv.Value - b.Tensors[kv.Key]).square().sum().item<float>());
    }
}
