namespace Isthmus.Tests.Fge;

/// <summary><c>compare</c> on real MNIST (a 2000-example subset, tiny budgets), through the library and the command line.</summary>
public sealed class CompareMnistTests(MnistFixture mnist) : MnistTest(mnist)
{
    [Fact]
    public void A_small_mnist_comparison_gives_every_method_and_budget_and_reopens_from_the_command_line()
    {
        var outcome = CompareRecipe.Run(new CompareSettings
        {
            Data = "mnist", Model = new ArchitectureSpec("mlp").With("widths", "64"), Out = Dir["cmp"], Budget = 3, Ks = [1, 2], Seeds = [1],
            Subset = 2000, SseSnapshots = 3, TrajectoryPoints = 2, DataRoot = DataRoot, Threads = 2,
        });
        // B = 3 epochs of 16 minibatches: E0 = 2, FGE cycles 1 epoch per budget with c = 4 → 4 members per run.
        Assert.Equal(new[] { ("ind", 1), ("sse", 3), ("fge", 4), ("ind", 2), ("sse", 6), ("fge", 8) }, outcome.Rows.Select(r => (r.Method, r.Members)));
        var single = outcome.Rows[0];
        Assert.InRange(single.Error.Mean, 5.0, 20.0);    // a 64-unit MLP after 3 epochs on 2000 examples: ~12 %
        foreach (var r in outcome.Rows)
        {
            Assert.InRange(r.Error.Mean, 3.0, 25.0);
            Assert.True(r.Nll.Mean <= r.MeanMemberNll.Mean + 1e-12, $"{r.Method} {r.K}B: ensemble NLL {r.Nll.Mean} above its mean member's {r.MeanMemberNll.Mean}");
        }
        Assert.True(outcome.Rows.Single(r => r.Method == "ind" && r.K == 2).Error.Mean < single.Error.Mean + 1.0);

        var cli = CliRunner.Run("compare", "--out", Dir["cmp"], "--resume", "--json");
        Assert.Equal(0, cli.ExitCode);
        var json = JsonNode.Parse(cli.Stdout)!;
        Assert.True(json["already_complete"]!.GetValue<bool>());
        Assert.Equal(6, json["table"]!.AsArray().Count);
        Assert.Equal(single.Error.Mean, json["table"]![0]!["error"]!["mean"]!.GetValue<double>(), 9);
    }
}
