namespace Isthmus.Tests.Data;

public sealed class ImageBatcherTests
{
    /// <summary>N images whose label is their index and whose every pixel encodes (index, channel, row, column).</summary>
    private static ImageDataset Indexed(int n, int channels = 1, int size = 4)
    {
        var images = arange(n * channels * size * size, dtype: ScalarType.Float32).view(n, channels, size, size);
        var norm = new Normalization(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());
        return new ImageDataset(images, arange(n, dtype: ScalarType.Int64), norm);
    }

    private static long[] Epoch(ImageBatcher batcher, int epoch)
    {
        using var order = batcher.Order(epoch);
        var seen = new List<long>();
        for (var i = 0; i < batcher.BatchesPerEpoch; i++)
        {
            using var scope = NewDisposeScope();
            var (_, y) = batcher.Batch(order, i);
            seen.AddRange(y.data<long>().ToArray());
        }
        return seen.ToArray();
    }

    [Fact]
    public void Every_example_appears_exactly_once_per_epoch_with_a_partial_last_batch()
    {
        using var data = Indexed(10);
        var batcher = new ImageBatcher(data, batchSize: 4, augment: false, seed: 1);

        Assert.Equal(3, batcher.BatchesPerEpoch);
        var seen = Epoch(batcher, 0);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), seen.Order());
        using var order = batcher.Order(0);
        using var scope = NewDisposeScope();
        var (x, y) = batcher.Batch(order, 2);
        Assert.Equal(new long[] { 2, 1, 4, 4 }, x.shape);
        Assert.True(Tensors.Same(x, data.Images.index_select(0, y)));
    }

    [Fact]
    public void The_same_seed_and_epoch_give_the_same_order_and_other_epochs_or_seeds_differ()
    {
        using var data = Indexed(50);
        var a = new ImageBatcher(data, 8, augment: false, seed: 7);
        var b = new ImageBatcher(data, 8, augment: false, seed: 7);
        var c = new ImageBatcher(data, 8, augment: false, seed: 8);

        Assert.Equal(Epoch(a, 2), Epoch(b, 2));
        Assert.NotEqual(Epoch(a, 2), Epoch(a, 3));
        Assert.NotEqual(Epoch(a, 2), Epoch(c, 2));
    }

    [Fact]
    public void Epoch_3_is_the_same_whether_or_not_epochs_0_to_2_were_drawn()
    {
        using var data = Indexed(50);
        var resumed = new ImageBatcher(data, 8, augment: true, seed: 3);
        var continued = new ImageBatcher(data, 8, augment: true, seed: 3);
        for (var e = 0; e < 3; e++) Epoch(continued, e);

        using var o1 = resumed.Order(3);
        using var o2 = continued.Order(3);
        Assert.True(Tensors.Same(o1, o2));
        using var scope = NewDisposeScope();
        Assert.True(Tensors.Same(resumed.Batch(o1, 4).X, continued.Batch(o2, 4).X)); // augmentation too
    }

    [Fact]
    public void Centred_crop_with_flip_equals_torch_flip_and_a_corner_crop_shifts_in_black_padding()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 3, 8, 8);
        var norm = new Normalization([0.5f, 0.4f, 0.3f], [0.2f, 0.25f, 0.5f]);

        var flipped = ImageBatcher.CropAndFlip(x, full(2, 4L), full(2, 4L), ones(2, dtype: ScalarType.Int64), norm, 4);
        Assert.True(Tensors.Same(flipped, x.flip(3)));

        var corner = ImageBatcher.CropAndFlip(x, zeros(2, dtype: ScalarType.Int64), zeros(2, dtype: ScalarType.Int64),
            zeros(2, dtype: ScalarType.Int64), norm, 4);
        Assert.True(Tensors.Same(corner[.., .., 4.., 4..], x[.., .., ..4, ..4]));
        // Padding holds each channel's black value, −mean/std: raw zero pixels, as torchvision pads before Normalize.
        Assert.Equal(-0.5f / 0.2f, corner[1, 0, 0, 0].item<float>(), 5);
        Assert.Equal(-0.3f / 0.5f, corner[0, 2, 3, 7].item<float>(), 5);
    }

    [Fact]
    public void Augmented_images_are_padded_crops_of_the_originals_some_flipped_and_keep_their_shape()
    {
        using var data = Indexed(16, channels: 3, size: 8);
        var batcher = new ImageBatcher(data, 16, augment: true, seed: 11);
        using var order = batcher.Order(0);
        using var scope = NewDisposeScope();

        var (x, y) = batcher.Batch(order, 0);

        Assert.Equal(new long[] { 16, 3, 8, 8 }, x.shape);
        var padded = nn.functional.pad(data.Images.index_select(0, y), [4, 4, 4, 4]);
        var flips = 0;
        for (var b = 0; b < 16; b++)
        {
            var match = Candidates(padded[b]).FirstOrDefault(cand => Tensors.Same(cand.Image, x[b]));
            Assert.NotNull(match.Image);
            flips += match.Flipped ? 1 : 0;
        }
        Assert.InRange(flips, 1, 15); // p = 0.5 with this seed flips some and not others
    }

    private static IEnumerable<(Tensor Image, bool Flipped)> Candidates(Tensor padded)
    {
        for (var dy = 0; dy <= 8; dy++)
        for (var dx = 0; dx <= 8; dx++)
        {
            var crop = padded[.., dy..(dy + 8), dx..(dx + 8)];
            yield return (crop, false);
            yield return (crop.flip(2), true);
        }
    }

    [Fact]
    public void Batches_belong_to_the_callers_dispose_scope()
    {
        using var data = Indexed(10);
        var batcher = new ImageBatcher(data, 4, augment: true, seed: 0);
        using var order = batcher.Order(0);
        Tensor x, y;
        using (NewDisposeScope()) (x, y) = batcher.Batch(order, 0);

        Assert.True(x.IsInvalid);
        Assert.True(y.IsInvalid);
        Assert.False(data.Images.IsInvalid);
    }

    [Fact]
    public void Augmenting_needs_an_order_from_Order()
    {
        using var data = Indexed(10);
        var batcher = new ImageBatcher(data, 4, augment: true, seed: 0);
        using var order = arange(10L);
        Assert.Throws<ArgumentException>(() => batcher.Batch(order, 0));
    }
}
