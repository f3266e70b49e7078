namespace Isthmus.Tests.Evaluation;

public sealed class ShardTests
{
    [Fact]
    public void Shard_i_of_n_owns_the_grid_indices_equal_to_i_modulo_n()
    {
        var shard = Shard.Parse("2/4");
        Assert.Equal(new Shard(2, 4), shard);
        Assert.Equal([2, 6, 10], shard.PointsOf(11));
        Assert.Equal("2/4", shard.ToString());
        Assert.False(shard.IsAll);
        Assert.Equal(Enumerable.Range(0, 11), Enumerable.Range(0, 4).SelectMany(i => new Shard(i, 4).PointsOf(11)).Order());
        Assert.True(Shard.All.IsAll);
        Assert.Equal(Enumerable.Range(0, 5), Shard.All.PointsOf(5));
    }

    [Theory]
    [InlineData("4/4", "--shard takes i/n with 0 ≤ i < n, e.g. 0/4 … 3/4 (got 4/4).")]
    [InlineData("1/0", "--shard takes i/n with 0 ≤ i < n, e.g. 0/4 … 3/4 (got 1/0).")]
    [InlineData("-1/4", "--shard takes i/n, shard i (counted from 0) of n, e.g. 0/4 (got '-1/4').")]
    [InlineData("3", "--shard takes i/n, shard i (counted from 0) of n, e.g. 0/4 (got '3').")]
    [InlineData("a/b", "--shard takes i/n, shard i (counted from 0) of n, e.g. 0/4 (got 'a/b').")]
    public void Bad_shards_are_refused_in_one_sentence(string text, string message) =>
        Assert.Equal(message, Assert.Throws<IsthmusException>(() => Shard.Parse(text)).Message);
}
