namespace Isthmus.Tests.Experiments;

/// <summary>Training end to end on a small real MNIST subset: files, numbers, determinism, resume, bad input.</summary>
public sealed class TrainRecipeTests(MnistFixture mnist) : MnistTest(mnist)
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
        DataRoot = DataRoot,
        Threads = 2,
    };

    [Fact]
    public void Training_on_real_MNIST_learns_and_writes_a_complete_run()
    {
        var outcome = TrainRecipe.Run(Settings(Dir["run"], epochs: 3));
        Assert.InRange(outcome.Test.Error, 0.0, 15.0);        // a 64-unit MLP on 2000 examples: ~10 %
        Assert.Equal(10000, outcome.Test.Count);
        Assert.Equal(2000, outcome.Train.Count);
        Assert.Equal(3, outcome.Epochs.Count);
        Assert.True(outcome.Epochs[2].TrainNll < outcome.Epochs[0].TrainNll);
        var run = RunDirectory.Open(Dir["run"]);
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
        TrainRecipe.Run(Settings(Dir["a"]));
        TrainRecipe.Run(Settings(Dir["b"]));
        Assert.Equal(File.ReadAllLines(Dir["a/metrics.csv"]).Select(DropSeconds), File.ReadAllLines(Dir["b/metrics.csv"]).Select(DropSeconds));
        AssertSameWeights(Dir["a/model.safetensors"], Dir["b/model.safetensors"]);
    }

    [Fact]
    public void An_interrupted_run_resumed_ends_exactly_like_an_uninterrupted_one()
    {
        TrainRecipe.Run(Settings(Dir["whole"], epochs: 3));

        using var cancel = new CancellationTokenSource();
        var stopAfterFirstEpoch = new SyncProgress<TrainingProgress>(p => { if (p.Last is { Epoch: 1 }) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => TrainRecipe.Run(Settings(Dir["cut"], epochs: 3), stopAfterFirstEpoch, ct: cancel.Token));
        Assert.Equal("running", RunDirectory.Open(Dir["cut"]).Status);
        Assert.False(File.Exists(Dir["cut/model.safetensors"]));  // nothing that looks complete

        var said = new List<string>();
        var resumed = TrainRecipe.Run(Settings(Dir["cut"], epochs: 3) with { Resume = true }, log: said.Add);
        Assert.Contains(said, m => m.Contains("after epoch 1 of 3"));
        Assert.Equal(3, resumed.Epochs.Count);                    // the history carries the epoch run before the cut
        AssertSameWeights(Dir["whole/model.safetensors"], Dir["cut/model.safetensors"]);
        Assert.Equal(File.ReadAllLines(Dir["whole/metrics.csv"]).Select(DropSeconds), File.ReadAllLines(Dir["cut/metrics.csv"]).Select(DropSeconds));
    }

    [Fact]
    public void Evaluate_reproduces_the_final_metrics_of_training()
    {
        var trained = TrainRecipe.Run(Settings(Dir["run"]));
        var evaluated = EvaluateRecipe.Run(new EvaluateSettings { Run = Dir["run"], DataRoot = DataRoot, Threads = 2 });
        Assert.Equal(trained.Test.Error, evaluated.Test.Error);
        Assert.Equal(trained.Train.Error, evaluated.Train.Error);
        Assert.Equal(trained.TrainLoss, evaluated.TrainLoss, 6);
        Assert.True(File.Exists(Dir["run/evaluation.json"]));
    }

    [Fact]
    public void A_batch_norm_network_is_scored_with_recomputed_statistics_that_evaluate_and_curves_reproduce()
    {
        var spec = new ArchitectureSpec("convfc").With("bn", "true").With("width_factor", "0.5");
        var trained = TrainRecipe.Run(Settings(Dir["run"], epochs: 1) with { Model = spec, Subset = 1000 });
        var evaluated = EvaluateRecipe.Run(new EvaluateSettings { Run = Dir["run"], DataRoot = DataRoot, Threads = 2 });
        Assert.Equal(trained.Test.Error, evaluated.Test.Error);
        Assert.Equal(trained.Test.Nll, evaluated.Test.Nll, 6);
        Assert.Equal(trained.TrainLoss, evaluated.TrainLoss, 6);
    }

    [Fact]
    public void Divergence_stops_the_run_with_advice()
    {
        var e = Assert.Throws<TrainingDivergedException>(() => TrainRecipe.Run(Settings(Dir["run"], epochs: 1) with { Lr = 1e8 })); // an IsthmusException: one sentence, exit 2
        Assert.Contains("diverged", e.Message);
        Assert.Contains("--lr", e.Message);
        Assert.Equal("running", RunDirectory.Open(Dir["run"]).Status);
    }

    [Fact]
    public void An_existing_output_folder_is_refused_without_force_and_left_alone()
    {
        Directory.CreateDirectory(Dir["run"]);
        File.WriteAllText(Dir["run/keep.txt"], "mine");
        var e = Assert.Throws<IsthmusException>(() => TrainRecipe.Run(Settings(Dir["run"], epochs: 1)));
        Assert.Contains("--force", e.Message);
        Assert.Equal("mine", File.ReadAllText(Dir["run/keep.txt"]));
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
