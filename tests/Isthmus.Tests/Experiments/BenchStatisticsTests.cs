using Isthmus.Experiments.Bench;

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
