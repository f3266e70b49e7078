namespace Isthmus.Tests.Ensembles;

/// <summary>An ensemble of two small runs on real MNIST (a 2000-example subset).</summary>
public sealed class EnsembleMnistTests(MnistFixture mnist) : MnistTest(mnist)
{
    private TrainSettings Settings(string outDir, long seed) => new()
    {
        Data = "mnist", Model = new ArchitectureSpec("mlp").With("widths", "64"), Out = outDir,
        Epochs = 2, Subset = 2000, Seed = seed, DataRoot = DataRoot, Threads = 2,
    };

    [Fact]
    public void Two_MNIST_runs_ensemble_to_an_nll_no_worse_than_their_mean()
    {
        var a = TrainRecipe.Run(Settings(Dir["a"], seed: 1));
        var b = TrainRecipe.Run(Settings(Dir["b"], seed: 2));
        var outcome = EnsembleRecipe.Run(new EnsembleSettings
        {
            Members = [Dir["a"], Dir["b"]], Out = Dir["ens"], TemperatureScale = true, DataRoot = DataRoot, Threads = 2,
        });
        var e = outcome.Evaluation;
        Assert.Equal(10000, e.Examples);
        Assert.Equal(a.Test.Error, e.Members[0].Score.Error, 9);
        Assert.Equal(b.Test.Error, e.Members[1].Score.Error, 9);
        Assert.True(e.Ensemble.Nll <= e.MeanMemberNll, $"ensemble NLL {e.Ensemble.Nll:F4}, mean member {e.MeanMemberNll:F4}");
        Assert.True(e.Ensemble.Error <= e.Members.Max(m => m.Score.Error));
        Assert.False(e.TemperatureScaling!.SeenInTraining); // --subset 2000: the last 5000 examples were never trained on
        Assert.InRange(e.Disagreement, 0.001, 0.5);
    }
}
