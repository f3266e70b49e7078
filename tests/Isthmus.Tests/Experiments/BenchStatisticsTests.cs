using Isthmus.Bench;

namespace Isthmus.Tests.Experiments;

public sealed class BenchStatisticsTests
{
    [Fact]
    public void MedianIntervalOfFortyPairsIsTheFourteenthToTheTwentySeventhValue()
    {
        // P(Binomial(40, 1/2) <= 13) = 0.0192 <= 2.5 % < P(<= 14) = 0.0403.
        var values = Enumerable.Range(1, 40).Select(i => (double)i).Reverse().ToList();
        Assert.Equal((14.0, 27.0), Benchmark.MedianInterval(values));
    }

    [Fact]
    public void MedianIntervalOfNineValuesDropsOneAtEachEnd()
    {
        // P(Binomial(9, 1/2) <= 1) = 10/512 = 0.0195; P(<= 2) = 46/512 = 0.0898.
        Assert.Equal((2.0, 8.0), Benchmark.MedianInterval([5, 3, 9, 1, 7, 2, 8, 4, 6]));
    }

    [Fact]
    public void MedianIntervalOfFewValuesIsTheirWholeRange()
    {
        // With 8 values even the extremes leave P(Binomial(8, 1/2) = 0) = 0.4 % in each tail, but dropping one more would leave 3.5 %.
        Assert.Equal((1.0, 8.0), Benchmark.MedianInterval([4, 1, 8, 2, 7, 3, 6, 5]));
        Assert.Equal((2.0, 2.0), Benchmark.MedianInterval([2]));
    }
}

public sealed class BenchGoalTests
{
    [Theory]
    [InlineData(1.05, 1.02, 1.08, "met")]
    [InlineData(1.12, 1.11, 1.13, "not met")]
    [InlineData(1.09, 1.06, 1.14, "at the edge")] // the interval contains the bound: the median alone does not decide
    public void An_upper_bound_is_judged_by_the_confidence_interval(double ratio, double low, double high, string verdict) =>
        Assert.Equal(verdict, BenchGoal.Below(1.10).Judge(ratio, low, high));

    [Fact]
    public void Without_an_interval_the_ratio_decides_and_lower_bounds_work_alike()
    {
        Assert.Equal("met", BenchGoal.Below(1.05).Judge(0.95, null, null));
        Assert.Equal("not met", BenchGoal.Below(1.05).Judge(1.06, null, null));
        Assert.Equal("met", BenchGoal.Above(1.5).Judge(1.63, 1.52, 1.68));
        Assert.Equal("at the edge", BenchGoal.Above(1.5).Judge(1.63, 1.48, 1.68));
        Assert.Equal("not met", BenchGoal.Above(1.5).Judge(1.3, 1.2, 1.4));
    }

    [Fact]
    public void Goals_that_do_not_apply_or_judge_themselves_say_so()
    {
        Assert.Equal("n/a: no AMX", BenchGoal.Below(0.56).Unless("no AMX").Judge(0.65, 0.64, 0.67));
        Assert.Equal("met", BenchGoal.Below(0.56).Unless(null).Judge(0.5, 0.49, 0.52));
        Assert.Equal("not met", BenchGoal.Judged("equal within 0.1 pp", false).Judge(1.2, null, null));
        Assert.Null(BenchGoal.None.Judge(0.6, null, null));
        Assert.Equal("≤ 1.10", BenchGoal.Below(1.10).Text);
    }
}
