namespace Isthmus.Tests.Cli;

/// <summary>
/// What a new user ran into, through the real command line: resuming nothing, a network connected to itself, counts
/// in messages, evaluating a bare checkpoint, and a network whose outputs are NaN.
/// </summary>
public sealed class RoughEdgeTests(MnistFixture mnist) : MnistTest(mnist)
{
    /// <summary>One tiny MNIST MLP trained through the CLI once, shared by the tests below (the folder lives until the process ends).</summary>
    private sealed class OneRun
    {
        private static readonly TempFolder Folder = new();
        private static readonly Lock Gate = new();

        public string Path => Folder["a"];

        public string Root { get; private set; } = "";

        public static readonly OneRun Shared = new();

        public OneRun TrainedWith(string dataRoot)
        {
            lock (Gate)
            {
                if (Root != "") return this;
                var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--widths", "16", "--subset", "1000", "--epochs", "1",
                    "--out", Path, "--data-root", dataRoot, "--quiet");
                Assert.True(r.ExitCode == 0, r.Stderr);
                Root = dataRoot;
                return this;
            }
        }
    }

    private OneRun Trained => OneRun.Shared.TrainedWith(DataRoot);

    [Theory]
    [InlineData("train --data mnist --model mlp")]
    [InlineData("connect --from a --to b")]
    [InlineData("connect-set --modes a b")]
    [InlineData("fge --from a")]
    [InlineData("sse --data mnist --model mlp")]
    [InlineData("compare --data mnist --model mlp")]
    [InlineData("plane --points a b c")]
    [InlineData("demo")]
    [InlineData("study cuts --data mnist --model mlp")]
    [InlineData("study hyperparameters --data mnist --model mlp --vary lr")]
    [InlineData("study parametrization --data mnist")]
    public void Resuming_a_run_that_was_never_started_says_there_is_nothing_to_resume(string command)
    {
        var r = CliRunner.Run([.. command.Split(' '), "--out", Dir["never"], "--resume"]);
        CliRunner.AssertOneSentenceError(r, $"There is nothing to resume in {Dir["never"]}");
        Assert.Contains("without --resume", r.Stderr);
        Assert.False(Directory.Exists(Dir["never"]));
    }

    [Fact]
    public void A_network_is_not_connected_to_itself_nor_to_a_copy_of_itself()
    {
        CopyFolder(Trained.Path, Dir["copy"]);
        var same = CliRunner.Run("connect", "--from", Trained.Path, "--to", Trained.Path, "--out", Dir["self"], "--data-root", Trained.Root);
        CliRunner.AssertOneSentenceError(same, "names the same run twice");
        var copy = CliRunner.Run("connect", "--from", Trained.Path, "--to", Dir["copy"], "--out", Dir["self"], "--data-root", Trained.Root);
        CliRunner.AssertOneSentenceError(copy, "hold the same network (identical weights");
        Assert.False(Directory.Exists(Dir["self"]));
        var plane = CliRunner.Run("plane", "--points", Trained.Path, Dir["copy"], Trained.Path, "--out", Dir["plane"], "--data-root", Trained.Root);
        CliRunner.AssertOneSentenceError(plane, "names the same run twice");
    }

    [Fact]
    public void Counts_agree_with_their_nouns_and_batch_norm_is_mentioned_only_where_there_is_some()
    {
        var one = CliRunner.Run("ensemble", "--members", Trained.Path, "--out", Dir["one"], "--data-root", Trained.Root);
        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.StartsWith("1 member (an ensemble of one network is that network): ", one.Stdout);

        var fge = CliRunner.Run("fge", "--from", Trained.Path, "--epochs", "1", "--cycle", "2", "--out", Dir["fge"], "--data-root", Trained.Root);
        Assert.True(fge.ExitCode == 0, fge.Stderr);
        Assert.Contains("fge: 1 member in ", fge.Stdout);
        Assert.DoesNotContain("1 members", fge.Stdout);

        var b = Dir["b"];
        var trained = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--widths", "16", "--subset", "1000", "--epochs", "1", "--seed", "2",
            "--out", b, "--data-root", Trained.Root, "--quiet");
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        var connect = CliRunner.Run("connect", "--from", Trained.Path, "--to", b, "--curve", "bezier", "--epochs", "1", "--out", Dir["curve"], "--data-root", Trained.Root);
        Assert.True(connect.ExitCode == 0, connect.Stderr);
        Assert.Contains("Evaluating the curve's midpoint...", connect.Stderr);
        Assert.DoesNotContain("batch norm", connect.Stderr);
    }

    [Fact]
    public void A_bare_checkpoint_is_evaluated_given_its_data_and_model_and_reproduces_its_run()
    {
        var model = Path.Combine(Trained.Path, "model.safetensors");
        CliRunner.AssertOneSentenceError(CliRunner.Run("evaluate", "--run", model, "--data-root", Trained.Root), "needs --data and --model");
        var r = CliRunner.Run("evaluate", "--run", model, "--data", "mnist", "--model", "mlp", "--widths", "16", "--out", Dir["e"],
            "--data-root", Trained.Root, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var written = JsonDocument.Parse(File.ReadAllText(Dir["e/evaluation.json"]));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Trained.Path, "manifest.json")));
        // The run trained on --subset 1000; its recorded test error is on the same (full) test split.
        Assert.Equal(manifest.RootElement.GetProperty("final").GetProperty("test_error").GetDouble(),
            written.RootElement.GetProperty("test_error").GetDouble(), 6);
        Assert.False(written.RootElement.GetProperty("non_finite_outputs").GetBoolean());
    }

    [Fact]
    public void A_network_with_non_finite_outputs_is_named_with_a_warning_and_fails_under_strict()
    {
        var broken = Dir["nan.safetensors"];
        using (var file = Safetensors.Load(Path.Combine(Trained.Path, "model.safetensors")))
        using (var scope = NewDisposeScope())
            Safetensors.Save(broken, file.Tensors.Select(kv => (kv.Key, full_like(kv.Value, float.NaN))).ToList());
        string[] args = ["evaluate", "--run", broken, "--data", "mnist", "--model", "mlp", "--widths", "16", "--data-root", Trained.Root];
        var warned = CliRunner.Run(args);
        Assert.Equal(0, warned.ExitCode);
        Assert.Contains("warning: ", warned.Stderr);
        Assert.Contains("non-finite outputs", warned.Stderr);
        using (var written = JsonDocument.Parse(File.ReadAllText(Dir["nan.evaluation.json"])))
            Assert.True(written.RootElement.GetProperty("non_finite_outputs").GetBoolean());
        var strict = CliRunner.Run([.. args, "--strict"]);
        Assert.Equal(2, strict.ExitCode);
        Assert.Contains("non-finite outputs", strict.Stderr);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
