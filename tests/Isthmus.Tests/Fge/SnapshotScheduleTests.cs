namespace Isthmus.Tests.Fge;

/// <summary>Snapshot Ensembles' cosine cycles (Huang et al. 2017; docs/science.md §4) at chosen iterations.</summary>
public sealed class SnapshotScheduleTests
{
    [Theory]
    // T = 40, M = 4: cycles of ⌈40/4⌉ = 10 iterations; α(t) = α0/2·(cos(π·mod(t−1, 10)/10) + 1).
    [InlineData(1, 0.2)]                                    // each cycle starts at α0
    [InlineData(6, 0.1)]                                    // mod = 5: cos(π/2) = 0 → α0/2
    [InlineData(10, 0.1 * (0.048943483704846))]             // mod = 9: α0/2·(1 + cos(9π/10)), the cycle's last step
    [InlineData(11, 0.2)]                                   // a new cycle restarts at α0
    [InlineData(16, 0.1)]
    public void The_rate_follows_the_cosine_formula(long t, double expected)
    {
        var s = new SnapshotSchedule(0.2, 40, 4);
        Assert.Equal(expected, s.Rate(t), 12);
        Assert.Equal(0.1 * (1 + Math.Cos(Math.PI * ((t - 1) % 10) / 10)), s.Rate(t), 15);
    }

    [Fact]
    public void Snapshots_are_taken_at_the_end_of_each_cycle()
    {
        var s = new SnapshotSchedule(0.2, 40, 4);
        Assert.Equal(10, s.CycleIterations);
        Assert.Equal(new long[] { 10, 20, 30, 40 }, s.Collections(40));
    }

    [Fact]
    public void A_budget_not_divisible_by_m_ends_with_a_shorter_last_cycle_and_still_m_snapshots()
    {
        var s = new SnapshotSchedule(0.1, 10, 3); // ⌈10/3⌉ = 4: cycles 1-4, 5-8, 9-10
        Assert.Equal(new long[] { 4, 8, 10 }, s.Collections(10));
        Assert.Equal(0.1, s.Rate(9), 15);
    }

    [Fact]
    public void A_budget_too_short_for_m_cycles_is_refused()
    {
        Assert.Throws<IsthmusException>(() => new SnapshotSchedule(0.1, 10, 6)); // ⌈10/6⌉ = 2 leaves only 5 cycles
        Assert.Throws<IsthmusException>(() => new SnapshotSchedule(0.1, 3, 4));
        Assert.Throws<IsthmusException>(() => new SnapshotSchedule(0, 10, 2));
    }
}
