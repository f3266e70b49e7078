namespace Isthmus.Tests.Experiments;

/// <summary>The three studies of docs/science.md §5 end to end on a 2000-example subset of real MNIST, with a small MLP.</summary>
public sealed class StudiesMnistTests(MnistFixture mnist) : MnistTest(mnist)
{
    private static readonly ArchitectureSpec Small = new ArchitectureSpec("mlp").With("widths", "32");

    [Fact]
    public void Training_inside_a_larger_cut_reaches_a_lower_loss()
    {
        var outcome = CutsStudy.Run(new CutsSettings
        {
            Data = "mnist", Model = Small, Out = Dir["cuts"], Dims = [2, 64], Rates = [4], Epochs = 2, Subset = 2000,
            DataRoot = DataRoot, Threads = 1,
        });
        Figures.Draw(outcome);
        Assert.Equal(2, outcome.Rows.Count);
        Assert.Equal(["dense", "fastfood"], outcome.Rows.Select(r => r.Projection)); // auto: d = 2 dense, d = 64 Fastfood
        var anchor = outcome.Anchors.Single();
        Assert.InRange(anchor.TrainLoss, 2.2, 2.45); // an untrained 10-class network: about ln 10
        Assert.True(outcome.Rows[1].TrainLoss < outcome.Rows[0].TrainLoss && outcome.Rows[0].TrainLoss < anchor.TrainLoss,
            $"anchor {anchor.TrainLoss:F4}, d = 2: {outcome.Rows[0].TrainLoss:F4}, d = 64: {outcome.Rows[1].TrainLoss:F4}");
        Assert.Equal(anchor.Radius, outcome.Rows[0].Radius, 9);
        foreach (var file in new[] { CutsStudy.JsonFile, CutsStudy.CsvFile, CutsStudy.PngFile }) Assert.True(File.Exists(Path.Combine(Dir["cuts"], file)), file);
    }

    [Fact]
    public void Each_setting_is_trained_and_the_loss_around_it_measured()
    {
        var outcome = HyperparameterStudy.Run(new HyperparameterSettings
        {
            Data = "mnist", Model = Small, Out = Dir["knobs"], Vary = [new HyperparameterSweep("lr", [0.02, 0.1])], Epochs = 1, Subset = 2000,
            MeasureExamples = 500, Geometry = new Isthmus.Landscape.GeometryOptions { Directions = 2, PowerIterations = 8, Bisections = 6 },
            DataRoot = DataRoot, Threads = 1,
        });
        Figures.Draw(outcome);
        Assert.Equal(2, outcome.Rows.Count);
        foreach (var r in outcome.Rows)
        {
            Assert.True(File.Exists(Path.Combine(r.Run, TrainedRun.ModelFile)), r.Run);
            Assert.All(r.Geometry.Radii, x => Assert.InRange(x, 1e-3, 1e4));
            Assert.True(r.Geometry.TopEigenvalue.Value > 0, $"λmax {r.Geometry.TopEigenvalue.Value}");
            Assert.True(r.Geometry.Threshold > r.Geometry.Nll);
        }
        var (slow, fast) = (outcome.Rows[0].Geometry, outcome.Rows[1].Geometry);
        Assert.True(fast.DistanceFromInit > slow.DistanceFromInit, $"lr 0.1 travelled {fast.DistanceFromInit:F3}, lr 0.02 {slow.DistanceFromInit:F3}");
        foreach (var file in new[] { HyperparameterStudy.JsonFile, HyperparameterStudy.CsvFile, HyperparameterStudy.PngFile })
            Assert.True(File.Exists(Path.Combine(Dir["knobs"], file)), file);
    }

    [Fact]
    public void Diversity_of_independent_runs_and_snapshots()
    {
        foreach (var seed in new[] { 1, 2 })
            TrainRecipe.Run(new TrainSettings { Data = "mnist", Model = Small, Out = Dir[$"ind{seed}"], Epochs = 2, Subset = 2000, Seed = seed, DataRoot = DataRoot, Threads = 1 });
        SseRecipe.Run(new SseSettings { Data = "mnist", Model = Small, Out = Dir["sse"], Budget = 2, Snapshots = 2, Subset = 2000, Seed = 3, DataRoot = DataRoot, Threads = 1 });
        var o = DiversityStudy.Run(new DiversitySettings
        {
            Members = [new(Dir["ind1"]), new(Dir["ind2"]), new(Dir["sse"])], Out = Dir["div"], DataRoot = DataRoot, Threads = 1,
        });
        Figures.Draw(o);
        Assert.Equal(["independent", "independent", "sse", "sse"], o.MemberFamilies);
        Assert.Equal(["independent", "sse"], o.Families.Select(f => f.Name));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(0.0, o.Disagreement[i, i]);
            Assert.Equal(1.0, o.Cosine[i, i], 9);
            for (int j = 0; j < 4; j++) Assert.Equal(o.Disagreement[i, j], o.Disagreement[j, i]);
        }
        Assert.InRange(o.Disagreement[0, 1], 0.005, 0.5);
        var ind = o.Families[0];
        Assert.Equal(o.Disagreement[0, 1], ind.MeanDisagreement, 12);
        Assert.Equal(o.Distance[0, 1], ind.MeanDistance, 12);
        Assert.Equal(2, ind.FirstK.Count);
        Assert.Equal((o.Scores[0].Error + o.Scores[1].Error) / 2 - ind.Ensemble.Error, ind.GainPerMemberError, 9);
        Assert.Equal(o.Scores[0].Error, ind.FirstK[0].Error, 9);
        foreach (var file in new[] { DiversityStudy.JsonFile, DiversityStudy.PairsFile, DiversityStudy.FamiliesFile, DiversityStudy.PngFile, DiversityStudy.MatricesFile })
            Assert.True(File.Exists(Path.Combine(Dir["div"], file)), file);
    }
}
