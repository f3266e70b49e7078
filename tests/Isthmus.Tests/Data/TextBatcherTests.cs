namespace Isthmus.Tests.Data;

public sealed class TextBatcherTests
{
    [Fact]
    public void Tokens_are_laid_out_in_contiguous_columns_and_targets_are_the_next_tokens()
    {
        // 26 tokens, 3 columns of 8 (2 dropped): column j holds tokens 8j .. 8j+7.
        using var data = new TextDataset(arange(26L));
        using var batcher = new TextBatcher(data, batchSize: 3, bptt: 3);

        Assert.Equal(3, batcher.BatchesPerEpoch); // 7 target rows in chunks of 3, 3, 1
        using var scope = NewDisposeScope();
        var (x, y) = batcher.Batch(0);
        Assert.Equal(new long[] { 3, 3 }, x.shape);
        Assert.Equal(new long[] { 0, 8, 16, 1, 9, 17, 2, 10, 18 }, x.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 9, 17, 2, 10, 18, 3, 11, 19 }, y.data<long>().ToArray());

        var (lastX, lastY) = batcher.Batch(2);
        Assert.Equal(new long[] { 1, 3 }, lastX.shape);
        Assert.Equal(new long[] { 6, 14, 22 }, lastX.data<long>().ToArray());
        Assert.Equal(new long[] { 7, 15, 23 }, lastY.data<long>().ToArray());
    }

    [Fact]
    public void Too_short_a_stream_is_an_error()
    {
        using var data = new TextDataset(arange(5L));
        Assert.Throws<IsthmusException>(() => new TextBatcher(data, batchSize: 4, bptt: 2));
    }
}
