namespace Isthmus.Tests.Fge;

/// <summary>fge, sse and eval-chain refuse bad input through the real command line: one sentence, exit code 2.</summary>
public sealed class FgeCliTests
{
    [Fact]
    public void Fge_from_a_missing_path_says_so()
    {
        using var dir = new TempFolder();
        CliRunner.AssertOneSentenceError(CliRunner.Run("fge", "--from", dir["nothing"], "--out", dir["fge"]), "does not exist");
        Assert.False(Directory.Exists(dir["fge"]));
    }

    [Fact]
    public void Fge_with_rates_in_the_wrong_order_names_both_flags()
    {
        using var dir = new TempFolder();
        CliRunner.AssertOneSentenceError(CliRunner.Run("fge", "--from", dir.Path, "--lr1", "0.001", "--lr2", "0.01", "--out", dir["fge"]), "--lr2");
    }

    [Fact]
    public void Sse_without_data_and_model_says_what_it_needs()
    {
        using var dir = new TempFolder();
        CliRunner.AssertOneSentenceError(CliRunner.Run("sse", "--out", dir["sse"]), "--data and --model");
    }

    [Fact]
    public void Eval_chain_on_a_folder_without_members_is_refused()
    {
        using var dir = new TempFolder();
        CliRunner.AssertOneSentenceError(CliRunner.Run("eval-chain", "--members", dir.Path), "not an Isthmus run");
    }

    [Fact]
    public void Compare_without_data_and_model_or_with_a_bad_list_says_what_it_needs()
    {
        using var dir = new TempFolder();
        CliRunner.AssertOneSentenceError(CliRunner.Run("compare", "--out", dir["cmp"]), "--data and --model");
        CliRunner.AssertOneSentenceError(CliRunner.Run("compare", "--data", "mnist", "--model", "mlp", "--k", "1,x", "--out", dir["cmp"]), "--k: 'x' is not a whole number");
        CliRunner.AssertOneSentenceError(CliRunner.Run("compare", "--data", "mnist", "--model", "mlp", "--seeds", "1,1001", "--out", dir["cmp"]), "same network twice");
        Assert.False(Directory.Exists(dir["cmp"]));
    }
}
