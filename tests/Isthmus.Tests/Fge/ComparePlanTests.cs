namespace Isthmus.Tests.Fge;

/// <summary>Which runs <c>compare</c> trains and which networks each ensemble takes, for both protocols (pure arithmetic).</summary>
public sealed class ComparePlanTests
{
    // B = 10 epochs of n = 100 minibatches; E0 = 8, so FGE cycles for 2 epochs per single budget.
    private static CompareSettings Settings(string protocol = ComparePlan.Paper, int snapshots = 5) => new()
    {
        Data = "mnist", Out = "unused", Budget = 10, Ks = [1, 2], Seeds = [1], Protocol = protocol, SseSnapshots = snapshots,
    };

    [Fact]
    public void The_paper_protocol_trains_k_runs_per_method_and_fge_starts_from_the_ind_run_of_the_same_seed()
    {
        var plan = ComparePlan.Create(Settings(), batchesPerEpoch: 100);
        Assert.Equal(new[] { "ind-s1-r1", "fge-s1-r1", "sse-s1-r1", "ind-s1-r2", "fge-s1-r2", "sse-s1-r2" }, plan.Runs.Select(r => r.Name));
        Assert.Equal(new long[] { 1, 1, 1, 1001, 1001, 1001 }, plan.Runs.Select(r => r.Seed));
        var fge2 = plan.Runs[4];
        Assert.Equal(("ind-s1-r2", 8, 2), (fge2.From, fge2.StartEpoch, fge2.Epochs));
        Assert.Equal(8, plan.Runs[0].StartEpoch); // the Ind run keeps checkpoint-8 for FGE
        Assert.Equal((10, 5), (plan.Runs[2].Epochs, plan.Runs[2].Snapshots));
        // The default cycle is a quarter of the 2 FGE epochs: 50 iterations, members at 25, 75, 125, 175.
        Assert.Equal(50, plan.FgeCycleIterations);
        Assert.Equal("fge-s1-r1", plan.TracedRun);
        Assert.Equal(8, plan.Runs[1].TrajectoryPoints);
        Assert.Equal(0, plan.Runs[4].TrajectoryPoints);
    }

    [Fact]
    public void A_larger_budget_reuses_the_runs_of_a_smaller_one_and_places_them_after_it_in_time()
    {
        var plan = ComparePlan.Create(Settings(), batchesPerEpoch: 100);
        Cell Cell(string method, int k) => plan.Cells.Single(c => c.Method == method && c.K == k);
        Assert.Equal(new[] { "ind-s1-r1" }, Cell("ind", 1).Picks.Select(p => p.Run));
        Assert.Equal(new[] { "ind-s1-r1", "ind-s1-r2" }, Cell("ind", 2).Picks.Select(p => p.Run));
        Assert.Equal(new[] { "fge-s1-r1", "fge-s1-r2" }, Cell("fge", 2).Picks.Select(p => p.Run));
        Assert.Equal(new double[] { 8, 18 }, Cell("fge", 2).Picks.Select(p => p.EpochOffset));   // FGE run j cycles from epoch (j − 1)·B + E0
        Assert.Equal(new double[] { 0, 10 }, Cell("sse", 2).Picks.Select(p => p.EpochOffset));
        Assert.All(plan.Cells.SelectMany(c => c.Picks), p => Assert.Null(p.UpToIteration)); // whole runs only
    }

    [Fact]
    public void One_run_takes_fge_members_as_a_prefix_which_is_exactly_a_shorter_fge_run()
    {
        var plan = ComparePlan.Create(Settings(ComparePlan.OneRun), batchesPerEpoch: 100);
        var fge = plan.Runs.Single(r => r.Name == "fge-s1");
        Assert.Equal((12, 8, "ind-s1-r1"), (fge.Epochs, fge.StartEpoch, fge.From)); // 2B − E0
        var k1 = plan.Cells.Single(c => c.Method == "fge" && c.K == 1).Picks.Single();
        Assert.Equal(200, k1.UpToIteration);                                          // (B − E0)·n
        Assert.Equal(1200, plan.Cells.Single(c => c.Method == "fge" && c.K == 2).Picks.Single().UpToIteration);
        // The claim behind the reuse: the long run's rates and collections up to 200 are a 2-epoch run's.
        var schedule = new FgeSchedule(0.05, 0.0005, plan.FgeCycleIterations);
        Assert.Equal(schedule.Collections(200), schedule.Collections(1200).Where(i => i <= 200));
    }

    [Fact]
    public void One_run_shares_an_sse_run_across_budgets_only_when_m_divides_the_iterations_of_b()
    {
        var shared = ComparePlan.Create(Settings(ComparePlan.OneRun, snapshots: 5), batchesPerEpoch: 100); // 5 | 1000
        var sse = shared.Runs.Single(r => r.Kind == SubRunKind.Sse);
        Assert.Equal(("sse-s1", 20, 10), (sse.Name, sse.Epochs, sse.Snapshots));
        Assert.Equal(1000, shared.Cells.Single(c => c.Method == "sse" && c.K == 1).Picks.Single().UpToIteration);
        var longRun = new SnapshotSchedule(0.1, 2000, 10);
        var oneBudget = new SnapshotSchedule(0.1, 1000, 5);
        Assert.Equal(oneBudget.Collections(1000), longRun.Collections(2000).Where(i => i <= 1000));
        Assert.All(Enumerable.Range(1, 1000), i => Assert.Equal(oneBudget.Rate(i), longRun.Rate(i)));

        var separate = ComparePlan.Create(Settings(ComparePlan.OneRun, snapshots: 3), batchesPerEpoch: 100); // 3 ∤ 1000
        Assert.Equal(new[] { "sse-s1-1B", "sse-s1-2B" }, separate.Runs.Where(r => r.Kind == SubRunKind.Sse).Select(r => r.Name));
        // Why: a 1B run's last, shorter cycle ends at 1000, where the 2B run is in mid-cycle.
        Assert.NotEqual(new SnapshotSchedule(0.1, 1000, 3).Collections(1000), new SnapshotSchedule(0.1, 2000, 6).Collections(2000).Where(i => i <= 1000));
    }

    [Fact]
    public void Several_seeds_repeat_everything_and_the_first_fge_run_alone_is_traced()
    {
        var plan = ComparePlan.Create(Settings() with { Seeds = [1, 2] }, batchesPerEpoch: 100);
        Assert.Equal(12, plan.Runs.Count);
        Assert.Equal(12, plan.Cells.Count); // 3 methods × 2 budgets × 2 seeds
        Assert.Equal(new long[] { 1, 1001, 2, 1002 }, plan.Runs.Where(r => r.Kind == SubRunKind.Train).Select(r => r.Seed));
        Assert.Single(plan.Runs, r => r.TrajectoryPoints > 0);
    }

    [Theory]
    [InlineData(0.8, 10, 8)]
    [InlineData(0.75, 10, 8)]   // 7.5 rounds up
    [InlineData(0.99, 10, 9)]   // at least one epoch is left for FGE
    [InlineData(0.01, 10, 1)]   // and at least one epoch of pre-training
    public void Fge_starts_at_the_rounded_fraction_of_b(double fraction, int budget, int expected)
    {
        Assert.Equal(expected, ComparePlan.FgeStartEpochOf(Settings() with { FgeStart = fraction, Budget = budget }));
    }

    [Fact]
    public void Impossible_settings_are_refused_naming_the_flag()
    {
        Assert.Contains("--fge-cycle", Assert.Throws<IsthmusException>(() => ComparePlan.Create(Settings() with { FgeCycle = 5 }, 100)).Message);
        Assert.Contains("same network twice", Assert.Throws<IsthmusException>(() => ComparePlan.Create(Settings() with { Seeds = [1, 1001] }, 100)).Message);
        Assert.Contains("--budget", Assert.Throws<IsthmusException>(() => ComparePlan.Create(Settings() with { Budget = 1 }, 100)).Message);
        Assert.Contains("--k", Assert.Throws<IsthmusException>(() => ComparePlan.Create(Settings() with { Ks = [1, 1] }, 100)).Message);
        Assert.Contains("--protocol", Assert.Throws<IsthmusException>(() => ComparePlan.Create(Settings() with { Protocol = "mine" }, 100)).Message);
        Assert.Contains("--lr2", Assert.Throws<IsthmusException>(() => ComparePlan.Create(Settings() with { FgeLr2 = 0.5 }, 100)).Message);
    }
}
