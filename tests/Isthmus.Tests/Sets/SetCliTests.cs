namespace Isthmus.Tests.Sets;

/// <summary>connect-set and eval-set through the real command line: bad input gets one sentence and exit code 2.</summary>
[Trait("Category", "Integration")]
public sealed class SetCliTests
{
    [Fact]
    public void A_set_of_one_mode_is_refused()
    {
        using var dir = new TempFolder();
        CliRunner.AssertOneSentenceError(CliRunner.Run("connect-set", "--modes", dir["a"], "--out", dir["star"]), "--modes takes two or more run folders");
        Assert.False(Directory.Exists(dir["star"]));
    }

    [Fact]
    public void Eval_set_of_a_folder_that_is_no_run_says_what_to_pass()
    {
        using var dir = new TempFolder();
        CliRunner.AssertOneSentenceError(CliRunner.Run("eval-set", "--run", dir["nothing"]), "does not exist");
        CliRunner.AssertOneSentenceError(CliRunner.Run("eval-set", "--run", dir.Path, "--samples", "0"), "--samples");
    }
}
