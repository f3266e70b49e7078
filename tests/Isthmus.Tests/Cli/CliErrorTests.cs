namespace Isthmus.Tests.Cli;

/// <summary>Bad input through the real command line: one sentence, exit code 2, no stack trace.</summary>
public sealed class CliErrorTests(MnistFixture mnist) : MnistTest(mnist)
{
    [Fact]
    public void An_unknown_option_names_itself_and_the_help()
    {
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--out", "x", "--epochz", "3");
        CliRunner.AssertOneSentenceError(r, "--epochz");
        Assert.Contains("isthmus train --help", r.Stderr);
    }

    [Fact]
    public void An_unknown_model_lists_the_known_ones()
    {
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "resnet9000", "--out", Dir["r"], "--data-root", DataRoot);
        CliRunner.AssertOneSentenceError(r, "Unknown model 'resnet9000'");
        Assert.Contains("mlp", r.Stderr);
    }

    [Fact]
    public void Missing_CIFAR_says_where_to_put_it()
    {
        var r = CliRunner.Run("train", "--data", "cifar10", "--model", "convfc", "--out", Dir["r"], "--data-root", Dir["empty"]);
        CliRunner.AssertOneSentenceError(r, "cifar-10-batches-bin");
    }

    [Fact]
    public void A_corrupt_data_file_is_fetched_again_and_checked()
    {
        Directory.CreateDirectory(Dir["root/mnist"]);
        foreach (var f in Directory.GetFiles(Path.Combine(DataRoot, "mnist")))
            File.Copy(f, Path.Combine(Dir["root/mnist"], Path.GetFileName(f)));
        File.WriteAllBytes(Dir["root/mnist/t10k-labels-idx1-ubyte"], [0, 0, 8, 1, 0, 0, 0, 1, 3]);
        var r = CliRunner.Run("data", "fetch", "mnist", "--data-root", Dir["root"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("fetched mnist", r.Stdout);
        Assert.Equal(10008, new FileInfo(Dir["root/mnist/t10k-labels-idx1-ubyte"]).Length);
    }

    [Fact]
    public void An_existing_output_folder_is_refused()
    {
        Directory.CreateDirectory(Dir["r"]);
        File.WriteAllText(Dir["r/notes.txt"], "keep me");
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--out", Dir["r"], "--data-root", DataRoot);
        CliRunner.AssertOneSentenceError(r, "--force");
        Assert.Equal("keep me", File.ReadAllText(Dir["r/notes.txt"]));
    }

    [Theory]
    [InlineData("plane --points runs/a runs/b --out x", "--points takes three run folders, e.g. --points runs/a runs/b runs/c (got 2)")]
    [InlineData("eval-curve --segment runs/a --out x", "--segment takes two run folders")]
    [InlineData("connect-set --modes runs/a --out x", "--modes takes two or more run folders")]
    public void A_wrong_number_of_run_folders_is_counted_in_the_message(string command, string expected) =>
        CliRunner.AssertOneSentenceError(CliRunner.Run(command.Split(' ')), expected);

    [Fact]
    public void A_run_refused_before_it_starts_leaves_no_folder_so_the_retry_needs_no_force()
    {
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--widths", "800,x", "--out", Dir["r"], "--data-root", DataRoot);
        CliRunner.AssertOneSentenceError(r, "option widths takes positive whole numbers");
        Assert.False(Directory.Exists(Dir["r"]));
        r = CliRunner.Run("train", "--data", "cifar10", "--model", "mlp", "--out", Dir["r"], "--data-root", Dir["empty"]);
        CliRunner.AssertOneSentenceError(r, "cifar-10-batches-bin");
        Assert.False(Directory.Exists(Dir["r"]));
    }

    [Fact]
    public void Evaluating_a_folder_that_is_not_a_run_says_so()
    {
        Directory.CreateDirectory(Dir["nothing"]);
        CliRunner.AssertOneSentenceError(CliRunner.Run("evaluate", "--run", Dir["nothing"]), "not an Isthmus run");
    }

    [Fact]
    public void Train_then_evaluate_with_json_and_a_corrupted_checkpoint()
    {
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--widths", "32", "--subset", "1000", "--epochs", "3",
            "--out", Dir["r"], "--data-root", DataRoot, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using (var json = JsonDocument.Parse(r.Stdout))
            Assert.InRange(json.RootElement.GetProperty("final").GetProperty("test_error").GetDouble(), 0, 40);

        var e = CliRunner.Run("evaluate", "--run", Dir["r"], "--data-root", DataRoot);
        Assert.True(e.ExitCode == 0, e.Stderr);
        Assert.Contains("test error", e.Stdout);

        var model = Dir["r/model.safetensors"];
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        CliRunner.AssertOneSentenceError(CliRunner.Run("evaluate", "--run", Dir["r"], "--data-root", DataRoot), "model.safetensors is not a valid safetensors file");
    }

    [Fact]
    public void Help_teaches_with_examples()
    {
        var r = CliRunner.Run("train", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Examples:", r.Stdout);
        Assert.Contains("--resume", r.Stdout);
        Assert.Contains("Usage:\n  isthmus train [options]", r.Stdout.ReplaceLineEndings("\n")); // the command as typed, not the assembly's name
    }

    [Fact]
    public void A_bad_shard_and_a_folder_that_is_no_shard_are_refused_in_one_sentence()
    {
        var r = CliRunner.Run("plane", "--points", Dir["a"], Dir["b"], Dir["c"], "--shard", "4/4", "--out", Dir["p"]);
        CliRunner.AssertOneSentenceError(r, "--shard takes i/n with 0 ≤ i < n");
        Directory.CreateDirectory(Dir["empty"]);
        r = CliRunner.Run("merge", Dir["empty"]);
        CliRunner.AssertOneSentenceError(r, "is not an Isthmus run");
    }
}
