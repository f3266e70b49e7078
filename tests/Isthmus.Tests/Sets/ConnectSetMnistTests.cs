namespace Isthmus.Tests.Sets;

/// <summary>Three small MNIST modes (a 2000-example subset) joined by a one-connector star and measured by eval-set.</summary>
public sealed class ConnectSetMnistTests(MnistFixture mnist) : MnistTest(mnist)
{
    [Fact]
    public void Three_MNIST_modes_joined_by_a_star_keep_their_own_scores_at_the_vertices()
    {
        using var session = Session.Open("mnist", DataRoot, val: 0, threads: 2, device: "cpu", subset: 2000); // one load of MNIST for every step
        var modes = new[] { 1L, 2, 3 }.Select(seed => TrainRecipe.Run(new TrainSettings
        {
            Data = "mnist", Model = new ArchitectureSpec("mlp").With("widths", "64"), Out = Dir[$"m{seed}"],
            Epochs = 2, Subset = 2000, Seed = seed,
        }, session)).ToList();
        var set = ConnectSetRecipe.Run(new ConnectSetSettings
        {
            Modes = modes.Select(m => m.RunPath).ToArray(), Out = Dir["star"], Epochs = 2,
        }, session);
        Assert.Equal(2, set.Epochs.Count);
        var outcome = EvalSetRecipe.Run(new EvalSetSettings { Run = set.RunPath, Samples = 6, SegmentPoints = 3, Grid = 0 }, session);
        var e = outcome.Evaluation;
        for (int k = 0; k < 3; k++) Assert.Equal(modes[k].Test.Error, e.Vertices[k].Metrics.Test.Error, 9);
        Assert.Equal(10000, e.Vertices[0].Metrics.Test.Count);
        Assert.Equal(set.ConnectorMetrics[0].Test.Error, e.Vertices[3].Metrics.Test.Error, 9);
        // Every sampled point is a working network, not a broken average.
        Assert.All(e.Samples, p => Assert.InRange(p.Scored.Metrics.Test.Error, 0, 30));
        var comparison = Json.ReadObject(Path.Combine(set.RunPath, EvalSetRecipe.SubspaceJson))["comparison"]!;
        Assert.Equal(modes.Max(m => m.Test.Error), comparison["worst_mode_test_error"]!.GetValue<double>(), 9);
        Assert.Empty(Directory.EnumerateFiles(set.RunPath, "slice-*.png"));
    }
}
