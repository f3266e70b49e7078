namespace Isthmus.Tests.Cli;

/// <summary>Bad input through the real command line: one sentence, exit code 2, no stack trace.</summary>
[Collection(MnistCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CliErrorTests(MnistFixture mnist)
{
    private static void AssertOneSentenceError(CliRunner.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void An_unknown_option_names_itself_and_the_help()
    {
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--out", "x", "--epochz", "3");
        AssertOneSentenceError(r, "--epochz");
        Assert.Contains("isthmus train --help", r.Stderr);
    }

    [Fact]
    public void An_unknown_model_lists_the_known_ones()
    {
        using var dir = new TempFolder();
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "resnet9000", "--out", dir["r"], "--data-root", mnist.Root);
        AssertOneSentenceError(r, "Unknown model 'resnet9000'");
        Assert.Contains("mlp", r.Stderr);
    }

    [Fact]
    public void Missing_CIFAR_says_where_to_put_it()
    {
        using var dir = new TempFolder();
        var r = CliRunner.Run("train", "--data", "cifar10", "--model", "convfc", "--out", dir["r"], "--data-root", dir["empty"]);
        AssertOneSentenceError(r, "cifar-10-batches-bin");
    }

    [Fact]
    public void A_corrupt_data_file_is_fetched_again_and_checked()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir["root/mnist"]);
        foreach (var f in Directory.GetFiles(Path.Combine(mnist.Root, "mnist")))
            File.Copy(f, Path.Combine(dir["root/mnist"], Path.GetFileName(f)));
        File.WriteAllBytes(dir["root/mnist/t10k-labels-idx1-ubyte"], [0, 0, 8, 1, 0, 0, 0, 1, 3]);
        var r = CliRunner.Run("data", "fetch", "mnist", "--data-root", dir["root"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("fetched mnist", r.Stdout);
        Assert.Equal(10008, new FileInfo(dir["root/mnist/t10k-labels-idx1-ubyte"]).Length);
    }

    [Fact]
    public void An_existing_output_folder_is_refused()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir["r"]);
        File.WriteAllText(dir["r/notes.txt"], "keep me");
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--out", dir["r"], "--data-root", mnist.Root);
        AssertOneSentenceError(r, "--force");
        Assert.Equal("keep me", File.ReadAllText(dir["r/notes.txt"]));
    }

    [Theory]
    [InlineData("plane --points runs/a runs/b --out x", "--points takes three run folders, e.g. --points runs/a runs/b runs/c (got 2)")]
    [InlineData("eval-curve --segment runs/a --out x", "--segment takes two run folders")]
    [InlineData("connect-set --modes runs/a --out x", "--modes takes two or more run folders")]
    public void A_wrong_number_of_run_folders_is_counted_in_the_message(string command, string expected) =>
        AssertOneSentenceError(CliRunner.Run(command.Split(' ')), expected);

    [Fact]
    public void A_run_refused_before_it_starts_leaves_no_folder_so_the_retry_needs_no_force()
    {
        using var dir = new TempFolder();
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--widths", "800,x", "--out", dir["r"], "--data-root", mnist.Root);
        AssertOneSentenceError(r, "option widths takes positive whole numbers");
        Assert.False(Directory.Exists(dir["r"]));
        r = CliRunner.Run("train", "--data", "cifar10", "--model", "mlp", "--out", dir["r"], "--data-root", dir["empty"]);
        AssertOneSentenceError(r, "cifar-10-batches-bin");
        Assert.False(Directory.Exists(dir["r"]));
    }

    [Fact]
    public void Evaluating_a_folder_that_is_not_a_run_says_so()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir["nothing"]);
        AssertOneSentenceError(CliRunner.Run("evaluate", "--run", dir["nothing"]), "not an Isthmus run");
    }

    [Fact]
    public void Train_then_evaluate_with_json_and_a_corrupted_checkpoint()
    {
        using var dir = new TempFolder();
        var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--widths", "32", "--subset", "1000", "--epochs", "3",
            "--out", dir["r"], "--data-root", mnist.Root, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using (var json = JsonDocument.Parse(r.Stdout))
            Assert.InRange(json.RootElement.GetProperty("final").GetProperty("test_error").GetDouble(), 0, 40);

        var e = CliRunner.Run("evaluate", "--run", dir["r"], "--data-root", mnist.Root);
        Assert.True(e.ExitCode == 0, e.Stderr);
        Assert.Contains("test error", e.Stdout);

        var model = dir["r/model.safetensors"];
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        AssertOneSentenceError(CliRunner.Run("evaluate", "--run", dir["r"], "--data-root", mnist.Root), "model.safetensors is not a valid safetensors file");
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
        using var dir = new TempFolder();
        var r = CliRunner.Run("plane", "--points", dir["a"], dir["b"], dir["c"], "--shard", "4/4", "--out", dir["p"]);
        AssertOneSentenceError(r, "--shard takes i/n with 0 ≤ i < n");
        Directory.CreateDirectory(dir["empty"]);
        r = CliRunner.Run("merge", dir["empty"]);
        AssertOneSentenceError(r, "is not an Isthmus run");
    }
}
