namespace Isthmus.Tests.Cli;

/// <summary>
/// Checkpoint files written by PyTorch (tests/fixtures: smallnet, 8-channel convolutions with batch norm and a residual
/// block) wherever a run folder is accepted, through the real command line, with --data and --model saying what they hold.
/// </summary>
public sealed class CheckpointFileTests(MnistFixture mnist) : MnistTest(mnist)
{
    private static string Fixture(string name) => TorchScriptNetworkTests.Fixture(name);
    private static string Model => "torchscript:" + Fixture("smallnet.pt");

    private CliRunner.Result Run(params string[] args) => CliRunner.Run([.. args, "--data-root", DataRoot, "--quiet", "--json"]);

    private static JsonNode Json(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonNode.Parse(r.Stdout)!;
    }

    [Fact]
    public void Two_pytorch_checkpoints_are_connected_and_the_curve_reproduces_them_at_its_ends()
    {
        var (a, b) = (Fixture("smallnet-seed1.pt"), Fixture("smallnet-seed2.pt"));
        var connected = Run("connect", "--from", a, "--to", b, "--model", Model, "--data", "mnist", "--epochs", "1", "--out", Dir["ab"]);
        Assert.True(double.IsFinite(Json(connected)["midpoint"]!["train_loss"]!.GetValue<double>()));

        // The network's convolutions have 8 channels: the process capped libtorch's kernels (Platform.ConvolutionKernels).
        var manifest = RunDirectory.Open(Dir["ab"]).Manifest;
        Assert.Equal("avx2", manifest.Platform!.ConvolutionKernels);
        Assert.Equal(Path.GetFullPath(a), manifest.Space!.ControlPoints![0].Source);

        Json(Run("eval-curve", "--run", Dir["ab"], "--points", "3"));
        var curve = Isthmus.Storage.Json.ReadObject(Path.Combine(Dir["ab"], EvalCurveRecipe.CurveJson));
        foreach (var (file, index) in new[] { (a, 0), (b, 2) })
        {
            var evaluated = Json(Run("evaluate", "--run", file, "--model", Model, "--data", "mnist", "--out", Dir[$"e{index}"]));
            Assert.Equal(evaluated["test_error"]!.GetValue<double>(), curve["test_error"]![index]!.GetValue<double>(), 9);
        }

        var segment = Json(Run("eval-curve", "--segment", a, Fixture("smallnet-seed2.safetensors"), "--model", Model, "--data", "mnist",
            "--points", "2", "--out", Dir["segment"]));
        Assert.Equal(curve["test_error"]![0]!.GetValue<double>(), segment["test_error"]![0]!.GetValue<double>(), 9);
    }

    [Fact]
    public void A_plane_goes_through_three_checkpoint_files()
    {
        var trained = Run("train", "--model", Model, "--data", "mnist", "--epochs", "1", "--schedule", "constant", "--out", Dir["t"]);
        Assert.Equal(0, trained.ExitCode);
        var third = Path.Combine(Dir["t"], TrainedRun.ModelFile);
        var plane = Json(Run("plane", "--points", Fixture("smallnet-seed1.pt"), Fixture("smallnet-seed2.pt"), third,
            "--model", Model, "--data", "mnist", "--grid", "2", "--bn-batches", "2", "--out", Dir["plane"]));
        Assert.True(File.Exists(Path.Combine(Dir["plane"], PlaneRecipe.PlaneJson)), plane.ToJsonString());
    }

    [Fact]
    public void Fge_starts_from_a_pytorch_checkpoint_and_an_ensemble_reads_pt_and_safetensors_members()
    {
        var seed1 = Fixture("smallnet-seed1.pt");
        var fge = Run("fge", "--from", seed1, "--model", Model, "--data", "mnist", "--subset", "2000", "--epochs", "2", "--cycle", "1",
            "--out", Dir["fge"]);
        Assert.True(fge.ExitCode == 0, fge.Stderr);
        Assert.True(File.Exists(Path.Combine(Dir["fge"], "member-1.safetensors")) && File.Exists(Path.Combine(Dir["fge"], "member-2.safetensors")));
        Assert.True(RunDirectory.Open(Dir["fge"]).IsComplete);

        // The same weights as a PyTorch zip and as safetensors: both readers must give the same member.
        var run = Run("ensemble", "--members", seed1, Fixture("smallnet-seed2.pt"), Fixture("smallnet-seed1.safetensors"),
            "--model", Model, "--data", "mnist", "--bn-batches", "2", "--out", Dir["ens"]);
        Assert.DoesNotContain("NNPACK", run.Stderr); // libtorch's warnings of an NNPACK that cannot start (Platform.Nnpack)
        var ensemble = Json(run);
        var members = ensemble["members"]!.AsArray();
        Assert.Equal(3, members.Count);
        Assert.Equal(members[0]!["test_error"]!.GetValue<double>(), members[2]!["test_error"]!.GetValue<double>());
        Assert.Equal(members[0]!["test_nll"]!.GetValue<double>(), members[2]!["test_nll"]!.GetValue<double>(), 9);
        Assert.Equal(Path.GetFullPath(seed1), members[0]!["source"]!.GetValue<string>());
    }

    [Fact]
    public void A_checkpoint_file_without_data_and_model_and_folders_with_them_are_refused()
    {
        var r = Run("connect", "--from", Fixture("smallnet-seed1.pt"), "--to", Fixture("smallnet-seed2.pt"), "--out", Dir["x"]);
        CliRunner.AssertOneSentenceError(r, "needs --data and --model");
        Assert.False(Directory.Exists(Dir["x"]));

        r = Run("plane", "--points", Fixture("smallnet-seed1.pt"), Fixture("smallnet-seed2.pt"), Fixture("smallnet.pt"),
            "--data", "mnist", "--out", Dir["y"]);
        CliRunner.AssertOneSentenceError(r, "--data and --model go together");

        var notCheckpoint = Path.Combine(Dir.Path, "notes.txt");
        File.WriteAllText(notCheckpoint, "not a network");
        r = Run("eval-curve", "--segment", Fixture("smallnet-seed1.pt"), notCheckpoint, "--model", Model, "--data", "mnist", "--out", Dir["z"]);
        CliRunner.AssertOneSentenceError(r, "neither a run folder nor a checkpoint");

        r = Run("fge", "--from", Fixture("smallnet-seed1.pt"), "--out", Dir["f"]);
        CliRunner.AssertOneSentenceError(r, "needs --data and --model");
        Assert.False(File.Exists(Path.Combine(Dir["f"], "member-1.safetensors")));
        r = Run("ensemble", "--members", Fixture("smallnet-seed1.pt"), Fixture("smallnet-seed2.pt"), "--out", Dir["g"]);
        Assert.Equal(2, r.ExitCode);
        Assert.False(File.Exists(Path.Combine(Dir["g"], "ensemble.json")));
    }

    [Fact]
    public void A_checkpoint_of_the_wrong_shape_is_refused_before_any_folder_is_claimed()
    {
        // smallnet's weights with a classifier one input short: every name matches, one shape does not.
        var bad = Path.Combine(Dir.Path, "short-fc.pt");
        using (var file = Isthmus.Storage.StateDict.Read(Fixture("smallnet-seed1.pt")))
            Isthmus.Storage.StateDict.Write(bad, file.Names.Select(n => (n, n == "fc.weight" ? TorchSharp.torch.zeros(10, 391) : file.Tensors[n])));
        string[] three = [Fixture("smallnet-seed1.pt"), Fixture("smallnet-seed2.pt"), bad];
        string[][] commands =
        [
            ["ensemble", "--members", .. three],
            ["plane", "--points", .. three, "--grid", "2"],
            ["connect-set", "--modes", .. three, "--epochs", "1"],
            ["study", "diversity", "--members", .. three],
            ["eval-curve", "--segment", three[0], bad, "--points", "2"],
        ];
        foreach (var command in commands)
        {
            var output = Dir[command[0] + command[1]];
            var r = Run([.. command, "--model", Model, "--data", "mnist", "--out", output]);
            CliRunner.AssertOneSentenceError(r, "'fc.weight' has shape [10, 391]");
            Assert.False(Directory.Exists(output), $"{command[0]} left {output} behind");
        }
    }
}
