namespace Isthmus.Tests.Cli;

/// <summary><c>isthmus data info</c>: a set loaded as train loads it, through the real command line.</summary>
public sealed class DataInfoTests(MnistFixture mnist) : MnistTest(mnist)
{
    [Fact]
    public void Info_reports_the_splits_as_train_would_see_them()
    {
        var r = CliRunner.Run("data", "info", "mnist", "--subset", "1000", "--data-root", DataRoot, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = JsonNode.Parse(r.Stdout)!;
        Assert.Equal(1000, (long)json["train"]!);
        Assert.Equal(10000, (long)json["eval"]!);
        Assert.Equal(10, (int)json["classes"]!);
        Assert.Equal("[1,28,28]", json["input_shape"]!.ToJsonString());
    }

    [Fact]
    public void An_unknown_set_is_one_sentence()
    {
        CliRunner.AssertOneSentenceError(CliRunner.Run("data", "info", "nope", "--data-root", DataRoot), "Unknown data set 'nope'");
    }
}
