namespace Isthmus.Tests.Fge;

/// <summary>Algorithm 1's cyclic rate and collection iterations (Garipov et al. 2018, §5; docs/science.md §4), at chosen iterations.</summary>
public sealed class FgeScheduleTests
{
    private const double A1 = 0.05, A2 = 0.0005;
    private static readonly FgeSchedule Cycle8 = new(A1, A2, 8);

    [Theory]
    // c = 8: t(i) = (mod(i−1, 8) + 1)/8.
    [InlineData(1, 0.75 * A1 + 0.25 * A2)]   // t = 1/8: (1 − 2/8)α1 + (2/8)α2
    [InlineData(2, 0.5 * A1 + 0.5 * A2)]     // t = 1/4
    [InlineData(4, A2)]                       // t = ½ (i = c/2): the minimum
    [InlineData(5, 0.75 * A2 + 0.25 * A1)]   // t = 5/8 (i = c/2 + 1): (2 − 10/8)α2 + (10/8 − 1)α1
    [InlineData(8, A1)]                       // t = 1 (i = c): back at α1
    [InlineData(9, 0.75 * A1 + 0.25 * A2)]   // i = c + 1: a new cycle, as i = 1
    [InlineData(12, A2)]                      // i = 3c/2
    public void The_rate_follows_the_piecewise_linear_formula(long i, double expected)
    {
        Assert.Equal(expected, Cycle8.Rate(i), 15);
    }

    [Fact]
    public void The_clock_counts_iterations_from_one_at_the_fge_start()
    {
        Assert.Equal(Cycle8.Rate(1), Cycle8.Rate(new TrainingClock(0, 0, 5, 4)));
        Assert.Equal(Cycle8.Rate(7), Cycle8.Rate(new TrainingClock(1, 1, 5, 4))); // epoch 2, batch 2 of 5: i = 7
    }

    [Fact]
    public void The_rate_stays_between_the_bounds_and_is_lowest_exactly_at_collections()
    {
        for (long i = 1; i <= 40; i++)
        {
            double r = Cycle8.Rate(i);
            Assert.InRange(r, A2, A1);
            Assert.Equal(Cycle8.Collects(i), r == A2);
        }
    }

    [Fact]
    public void Members_are_collected_at_t_one_half_i_equals_c_over_2_3c_over_2_and_so_on()
    {
        Assert.Equal(new long[] { 4, 12, 20, 28 }, Cycle8.Collections(32));
        Assert.Equal(new long[] { 4, 12, 20 }, Cycle8.Collections(27));
        Assert.Equal(0.5, Cycle8.T(4));
        Assert.Equal(0.5, Cycle8.T(12));
    }

    [Theory]
    [InlineData(1.0, 100, 100, false)]
    [InlineData(0.5, 100, 50, false)]
    [InlineData(2.0, 469, 938, false)]
    [InlineData(1.0, 469, 470, true)]     // 469 is odd: rounded to the nearest even, halves away from zero
    [InlineData(0.5, 469, 234, true)]     // 234.5 → 234 (117.25 pairs → 117)
    [InlineData(1.5, 10, 16, true)]       // 15 → 16 (7.5 pairs → 8)
    [InlineData(0.01, 10, 2, true)]       // never below 2
    public void A_cycle_in_epochs_becomes_an_even_number_of_iterations(double epochs, int batches, long expected, bool adjusted)
    {
        Assert.Equal(expected, FgeSchedule.CycleIterationsFor(epochs, batches, out bool wasAdjusted));
        Assert.Equal(adjusted, wasAdjusted);
    }

    [Fact]
    public void An_odd_cycle_or_rates_in_the_wrong_order_are_refused_with_the_reason()
    {
        Assert.Contains("even", Assert.Throws<IsthmusException>(() => new FgeSchedule(A1, A2, 7)).Message);
        Assert.Contains("--lr2", Assert.Throws<IsthmusException>(() => new FgeSchedule(A2, A1, 8)).Message);
        Assert.Contains("--cycle", Assert.Throws<IsthmusException>(() => FgeSchedule.CycleIterationsFor(0, 100, out _)).Message);
    }
}
