using System.Runtime.CompilerServices;

namespace Isthmus.Data;

/// <summary>
/// Cuts an <see cref="ImageDataset"/> into shuffled minibatches with tensor operations only, like PyTorch's
/// <c>DataLoader(shuffle=True, drop_last=False)</c>; with augmentation, each batch gets the standard CIFAR random crop
/// (zero padding 4, crop back to the image size) and horizontal flip with p = 0.5. All randomness comes from
/// generators seeded by (seed, epoch[, batch]), so epoch e is the same whether or not epochs 0..e−1 were drawn.
/// </summary>
/// <example><code>
/// using var order = batcher.Order(epoch);
/// for (var i = 0; i &lt; batcher.BatchesPerEpoch; i++)
/// {
///     using var scope = torch.NewDisposeScope();
///     var (x, y) = batcher.Batch(order, i);
///     ...
/// }
/// </code></example>
public sealed class ImageBatcher
{
    /// <summary>Zero padding of the random crop (Garipov et al.'s CIFAR transform: RandomCrop(32, padding=4)).</summary>
    public const int CropPadding = 4;

    private const long OrderStream = 0;
    private const long AugmentStream = 1;

    private readonly ImageDataset _data;

    // Which epoch each order tensor belongs to, so Batch(order, index) can seed the augmentation of (epoch, index)
    // without the caller passing the epoch twice; weak, so orders the caller disposes are not kept alive.
    private readonly ConditionalWeakTable<Tensor, StrongBox<int>> _epochOf = new();

    /// <summary>Batches <paramref name="data"/> in groups of <paramref name="batchSize"/>.</summary>
    public ImageBatcher(ImageDataset data, int batchSize, bool augment, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _data = data;
        BatchSize = batchSize;
        Augment = augment;
        Seed = seed;
        BatchesPerEpoch = (int)((data.Count + batchSize - 1) / batchSize);
    }

    /// <summary>Examples per batch; the last batch of an epoch may hold fewer.</summary>
    public int BatchSize { get; }

    /// <summary>Whether batches are randomly cropped and flipped.</summary>
    public bool Augment { get; }

    /// <summary>The seed every epoch's order and augmentation derive from.</summary>
    public long Seed { get; }

    /// <summary>⌈N / batch size⌉: the last batch is partial rather than dropped.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>
    /// The permutation of the examples for <paramref name="epoch"/> (int64 [N], on the data's device), a function of
    /// (seed, epoch) alone. The caller owns it; pass it to <see cref="Batch"/>.
    /// </summary>
    public Tensor Order(int epoch)
    {
        using var generator = new Generator(SeedMixer.Derive(Seed, OrderStream, epoch));
        var order = randperm(_data.Count, generator: generator);
        if (_data.Images.device.type != DeviceType.CPU)
        {
            var moved = order.to(_data.Images.device);
            order.Dispose();
            order = moved;
        }
        _epochOf.AddOrUpdate(order, new StrongBox<int>(epoch));
        return order;
    }

    /// <summary>
    /// Batch <paramref name="index"/> of the epoch whose <paramref name="order"/> this is: X [B, C, H, W], Y [B].
    /// The tensors are created in the caller's dispose scope.
    /// </summary>
    public (Tensor X, Tensor Y) Batch(Tensor order, int index)
    {
        if ((uint)index >= (uint)BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"An epoch has {BatchesPerEpoch} batches.");
        var start = (long)index * BatchSize;
        var length = Math.Min(BatchSize, _data.Count - start);
        using var ids = order.narrow(0, start, length);
        var y = _data.Labels.index_select(0, ids);
        if (!Augment) return (_data.Images.index_select(0, ids), y);

        if (!_epochOf.TryGetValue(order, out var epoch))
            throw new ArgumentException("With augmentation the order must be the tensor Order(epoch) returned, so the batch knows its epoch.", nameof(order));
        using var picked = _data.Images.index_select(0, ids);
        using var generator = new Generator(SeedMixer.Derive(Seed, AugmentStream, epoch.Value, index));
        using var dy = randint(0, 2 * CropPadding + 1, [length], generator: generator);
        using var dx = randint(0, 2 * CropPadding + 1, [length], generator: generator);
        using var flip = randint(0, 2, [length], generator: generator);
        return (CropAndFlip(picked, dy, dx, flip, _data.Normalization, CropPadding), y);
    }

    /// <summary>
    /// Crops every image of <paramref name="x"/> [B, C, H, W] at offset (dy, dx) of its padded copy and mirrors it
    /// where <paramref name="flip"/> is 1: out[b, c, i, j] = pad(x)[b, c, dy_b + i, dx_b + (flip_b ? W−1−j : j)].
    /// The padding is black in raw pixels (what torchvision pads before normalising), i.e. −mean/std here.
    /// Offsets and flips are int64 [B] on any device.
    /// </summary>
    internal static Tensor CropAndFlip(Tensor x, Tensor dy, Tensor dx, Tensor flip, Normalization normalization, int padding)
    {
        using var scope = NewDisposeScope();
        var (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var device = x.device;
        var black = tensor(normalization.Black(), device: device).view(1, c, 1, 1);
        // Filled then copied (not pad(x − black) + black), so the image's own pixels pass through bit-exact.
        var padded = black.expand(b, c, h + 2 * padding, w + 2 * padding).contiguous();
        padded.narrow(2, padding, h).narrow(3, padding, w).copy_(x);

        var rows = dy.to(device).view(b, 1) + arange(h, device: device).view(1, h);
        var across = arange(w, device: device).view(1, w);
        var mirrored = across.flip(1);
        var cols = dx.to(device).view(b, 1) + where(flip.to(device).view(b, 1).to_type(ScalarType.Bool), mirrored, across);

        // One gather over the flattened padded plane: index (row, col) ↦ row · (W + 2p) + col.
        var flat = (rows.view(b, h, 1) * (w + 2 * padding) + cols.view(b, 1, w)).view(b, 1, h * w);
        var picked = padded.view(b, c, -1).gather(2, flat.expand(b, c, h * w));
        return picked.view(b, c, h, w).MoveToOuterDisposeScope();
    }
}
