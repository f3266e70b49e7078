namespace Isthmus.Tests.Experiments;

/// <summary>Training end to end on a small real MNIST subset: files, numbers, determinism, resume, bad input.</summary>
[Collection(MnistCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TrainRecipeTests(MnistFixture mnist)
{
    private TrainSettings Settings(string outDir, int epochs = 2, long seed = 1) => new()
    {
        Data = "mnist",
        Model = new ArchitectureSpec("mlp").With("widths", "64"),
        Out = outDir,
        Epochs = epochs,
        Subset = 2000,
        Seed = seed,
        Lr = 0.05,
        DataRoot = mnist.Root,
        Threads = 2,
    };

    [Fact]
    public void Training_on_real_MNIST_learns_and_writes_a_complete_run()
    {
        using var dir = new TempFolder();
        var outcome = TrainRecipe.Run(Settings(dir["run"], epochs: 3));
        Assert.InRange(outcome.Test.Error, 0.0, 15.0);        // a 64-unit MLP on 2000 examples: ~10 %
        Assert.Equal(10000, outcome.Test.Count);
        Assert.Equal(2000, outcome.Train.Count);
        Assert.Equal(3, outcome.Epochs.Count);
        Assert.True(outcome.Epochs[2].TrainNll < outcome.Epochs[0].TrainNll);
        var run = RunDirectory.Open(dir["run"]);
        Assert.Equal("complete", run.Status);
        var final = run.Manifest.ToJson()["final"]!;
        foreach (var key in new[] { "train_loss", "train_nll", "train_error", "test_nll", "test_error" })
            Assert.NotNull(final[key]);
        Assert.True(final["train_loss"]!.GetValue<double>() > final["train_nll"]!.GetValue<double>()); // includes ½·wd·‖w‖²
        Assert.True(File.Exists(run.File("model.safetensors")));
        Assert.False(File.Exists(run.File(ResumeState.File)));
        Assert.Equal(4, File.ReadAllLines(run.File("metrics.csv")).Length);
        Assert.Equal("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            run.Manifest.ToJson()["data"]!["checksums"]!["train-images-idx3-ubyte"]!.GetValue<string>());
    }

    [Fact]
    public void The_same_seed_gives_the_same_metrics_and_weights()
    {
        using var dir = new TempFolder();
        TrainRecipe.Run(Settings(dir["a"]));
        TrainRecipe.Run(Settings(dir["b"]));
        Assert.Equal(File.ReadAllLines(dir["a/metrics.csv"]).Select(DropSeconds), File.ReadAllLines(dir["b/metrics.csv"]).Select(DropSeconds));
        AssertSameWeights(dir["a/model.safetensors"], dir["b/model.safetensors"]);
    }

    [Fact]
    public void An_interrupted_run_resumed_ends_exactly_like_an_uninterrupted_one()
    {
        using var dir = new TempFolder();
        TrainRecipe.Run(Settings(dir["whole"], epochs: 3));

        using var cancel = new CancellationTokenSource();
        var stopAfterFirstEpoch = new SyncProgress<TrainingProgress>(p => { if (p.Last is { Epoch: 1 }) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => TrainRecipe.Run(Settings(dir["cut"], epochs: 3), stopAfterFirstEpoch, ct: cancel.Token));
        Assert.Equal("running", RunDirectory.Open(dir["cut"]).Status);
        Assert.False(File.Exists(dir["cut/model.safetensors"]));  // nothing that looks complete

        var said = new List<string>();
        var resumed = TrainRecipe.Run(Settings(dir["cut"], epochs: 3) with { Resume = true }, log: said.Add);
        Assert.Contains(said, m => m.Contains("after epoch 1 of 3"));
        Assert.Equal(3, resumed.Epochs.Count);                    // the history carries the epoch run before the cut
        AssertSameWeights(dir["whole/model.safetensors"], dir["cut/model.safetensors"]);
        Assert.Equal(File.ReadAllLines(dir["whole/metrics.csv"]).Select(DropSeconds), File.ReadAllLines(dir["cut/metrics.csv"]).Select(DropSeconds));
    }

    [Fact]
    public void Evaluate_reproduces_the_final_metrics_of_training()
    {
        using var dir = new TempFolder();
        var trained = TrainRecipe.Run(Settings(dir["run"]));
        var evaluated = EvaluateRecipe.Run(new EvaluateSettings { Run = dir["run"], DataRoot = mnist.Root, Threads = 2 });
        Assert.Equal(trained.Test.Error, evaluated.Test.Error);
        Assert.Equal(trained.Train.Error, evaluated.Train.Error);
        Assert.Equal(trained.TrainLoss, evaluated.TrainLoss, 6);
        Assert.True(File.Exists(dir["run/evaluation.json"]));
    }

    [Fact]
    public void A_batch_norm_network_is_scored_with_recomputed_statistics_that_evaluate_and_curves_reproduce()
    {
        using var dir = new TempFolder();
        var spec = new ArchitectureSpec("convfc").With("bn", "true").With("width_factor", "0.125");
        var trained = TrainRecipe.Run(Settings(dir["run"], epochs: 1) with { Model = spec, Subset = 1000 });
        var evaluated = EvaluateRecipe.Run(new EvaluateSettings { Run = dir["run"], DataRoot = mnist.Root, Threads = 2 });
        Assert.Equal(trained.Test.Error, evaluated.Test.Error);
        Assert.Equal(trained.Test.Nll, evaluated.Test.Nll, 6);
        Assert.Equal(trained.TrainLoss, evaluated.TrainLoss, 6);
    }

    [Fact]
    public void Divergence_stops_the_run_with_advice()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<TrainingDivergedException>(() => TrainRecipe.Run(Settings(dir["run"], epochs: 1) with { Lr = 1e8 })); // an IsthmusException: one sentence, exit 2
        Assert.Contains("diverged", e.Message);
        Assert.Contains("--lr", e.Message);
        Assert.Equal("running", RunDirectory.Open(dir["run"]).Status);
    }

    [Fact]
    public void An_existing_output_folder_is_refused_without_force_and_left_alone()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir["run"]);
        File.WriteAllText(dir["run/keep.txt"], "mine");
        var e = Assert.Throws<IsthmusException>(() => TrainRecipe.Run(Settings(dir["run"], epochs: 1)));
        Assert.Contains("--force", e.Message);
        Assert.Equal("mine", File.ReadAllText(dir["run/keep.txt"]));
    }

    private static string DropSeconds(string csvLine) => csvLine[..csvLine.LastIndexOf(',')];

    private static void AssertSameWeights(string a, string b)
    {
        using var fa = Safetensors.Load(a);
        using var fb = Safetensors.Load(b);
        Assert.Equal(fa.Names, fb.Names);
        foreach (var name in fa.Names) Assert.True(Tensors.Same(fa.Tensors[name], fb.Tensors[name]), name);
    }
}
