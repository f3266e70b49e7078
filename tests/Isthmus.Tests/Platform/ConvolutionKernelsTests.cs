using Isthmus.Platform;

namespace Isthmus.Tests.Platform;

/// <summary>
/// The cap on oneDNN's kernels follows the channel blocks a network fills (docs/performance.md, "A known libtorch
/// defect"): convfc at width factor 0.17 (5, 11, 22 channels) diverged on AVX2 kernels in 5 of 8 runs and trained in 8 of 8 on SSE4.1 ones.
/// </summary>
public sealed class ConvolutionKernelsTests
{
    [Theory]
    [InlineData(new long[] { 16, 3, 3, 3 }, true, 16)]
    [InlineData(new long[] { 16, 3, 3, 3 }, false, 1)]   // three input channels count unless they are the network's input
    [InlineData(new long[] { 32, 16, 3, 3 }, false, 16)]
    [InlineData(new long[] { 32, 8, 3, 3 }, false, 8)]
    [InlineData(new long[] { 8, 8, 3, 3 }, false, 8)]
    [InlineData(new long[] { 24, 16, 5, 5 }, false, 8)]
    [InlineData(new long[] { 22, 11, 5, 5 }, false, 1)]
    [InlineData(new long[] { 5, 1, 5, 5 }, true, 1)]
    public void A_convolution_fills_the_widest_block_that_divides_its_channel_counts(long[] shape, bool isFirst, int block) =>
        Assert.Equal(block, ConvolutionKernels.Block(shape, isFirst));

    [Theory]
    [InlineData("0.17", "SSE41")] // 5, 11, 22 channels
    [InlineData("0.25", "AVX2")]  // 8, 16, 32
    [InlineData("0.5", null)]     // 16, 32, 64
    [InlineData("1", null)]
    public void Convfc_is_capped_by_its_narrowest_block(string widthFactor, string? cap)
    {
        using var net = ModelZoo.Build(new ArchitectureSpec("convfc").With("width_factor", widthFactor), new DataShape([1, 28, 28], 10));
        var convolutions = net.Layout.Specs.Where(p => p.Shape.Length == 4).Select(p => (IReadOnlyList<long>)p.Shape);
        Assert.Equal(cap, ConvolutionKernels.CapFor(convolutions));
    }

    [Fact]
    public void A_network_without_convolutions_is_not_capped() =>
        Assert.Null(ConvolutionKernels.CapFor([]));
}
