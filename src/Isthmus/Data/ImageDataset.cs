namespace Isthmus.Data;

/// <summary>
/// One split of an image data set held as two tensors: <see cref="Images"/> float32 [N, C, H, W], normalised with
/// <see cref="Normalization"/>, and <see cref="Labels"/> int64 [N]. Owns both; dispose it when done.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    /// <summary>
    /// Takes ownership of <paramref name="images"/> and <paramref name="labels"/>; they are detached from any dispose
    /// scope, because a data set outlives the training steps' scopes.
    /// </summary>
    public ImageDataset(Tensor images, Tensor labels, Normalization normalization)
    {
        if (images.dim() != 4 || labels.dim() != 1 || images.shape[0] != labels.shape[0])
            throw new ArgumentException($"Expected images [N,C,H,W] and labels [N]; got [{string.Join(",", images.shape)}] and [{string.Join(",", labels.shape)}].");
        if (images.shape[1] != normalization.Channels)
            throw new ArgumentException($"The images have {images.shape[1]} channels but the normalization describes {normalization.Channels}.");
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        Normalization = normalization;
    }

    /// <summary>float32 [N, C, H, W], normalised per channel.</summary>
    public Tensor Images { get; }

    /// <summary>int64 [N], class indices.</summary>
    public Tensor Labels { get; }

    /// <summary>The mean/std the images were normalised with (augmentation pads with its black value).</summary>
    public Normalization Normalization { get; }

    /// <summary>Number of examples.</summary>
    public long Count => Labels.shape[0];

    /// <summary>
    /// Builds a data set from raw bytes in one go: <paramref name="pixels"/> holds <paramref name="count"/> images in
    /// CHW order, one byte per value in 0..255.
    /// </summary>
    public static ImageDataset FromBytes(byte[] pixels, byte[] labels, long count, long channels, long height, long width,
        Normalization normalization, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var raw = tensor(pixels, [count, channels, height, width]);
        var images = raw.to(ScalarType.Float32, device ?? CPU).div_(255f);
        var mean = tensor(normalization.Mean, device: images.device).view(1, channels, 1, 1);
        var std = tensor(normalization.Std, device: images.device).view(1, channels, 1, 1);
        images.sub_(mean).div_(std);
        var y = tensor(labels).to(ScalarType.Int64, device ?? CPU);
        return new ImageDataset(images, y, normalization);
    }

    /// <summary>
    /// Splits into the first <c>Count − last</c> and the last <paramref name="last"/> examples, as views that share
    /// this data set's memory; this data set is consumed (its handles are disposed, the memory lives on in the views).
    /// </summary>
    internal (ImageDataset Head, ImageDataset Tail) SplitLast(long last)
    {
        var head = Count - last;
        var parts = (new ImageDataset(Images.narrow(0, 0, head), Labels.narrow(0, 0, head), Normalization),
            new ImageDataset(Images.narrow(0, head, last), Labels.narrow(0, head, last), Normalization));
        Dispose();
        return parts;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
