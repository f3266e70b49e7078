using System.Buffers.Binary;
using System.IO.Compression;

namespace Isthmus.Tests.Data;

/// <summary>Writes small files in the official IDX and CIFAR binary formats for the readers to read back.</summary>
internal static class DataFiles
{
    public static byte[] IdxImages(int count, int rows, int cols, Func<int, int, int, byte> pixel, int magic = 0x00000803)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (var n = 0; n < count; n++)
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++)
            bytes[16 + (n * rows + r) * cols + c] = pixel(n, r, c);
        return bytes;
    }

    public static byte[] IdxLabels(byte[] labels, int magic = 0x00000801)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>The test pixel value of image n, channel ch, row r, column c: distinct enough to catch layout bugs.</summary>
    public static byte CifarPixel(int n, int ch, int r, int c) => (byte)(n * 7 + ch * 50 + r * 3 + c);

    /// <summary>
    /// A CIFAR binary file: per record the label byte(s), then 1024 red, 1024 green, 1024 blue bytes, each plane
    /// row-major. <paramref name="first"/> numbers the images so several files hold different ones.
    /// </summary>
    public static byte[] CifarFile(int first, byte[] fineLabels, bool cifar100)
    {
        var labelBytes = cifar100 ? 2 : 1;
        var record = labelBytes + 3072;
        var bytes = new byte[fineLabels.Length * record];
        for (var i = 0; i < fineLabels.Length; i++)
        {
            var o = i * record;
            if (cifar100) bytes[o] = (byte)(fineLabels[i] / 5); // coarse label, must be ignored
            bytes[o + labelBytes - 1] = fineLabels[i];
            for (var ch = 0; ch < 3; ch++)
            for (var r = 0; r < 32; r++)
            for (var c = 0; c < 32; c++)
                bytes[o + labelBytes + ch * 1024 + r * 32 + c] = CifarPixel(first + i, ch, r, c);
        }
        return bytes;
    }

    /// <summary>A CIFAR-10 folder of five training batches of <paramref name="perBatch"/> and a test batch; labels count up mod 10.</summary>
    public static string WriteCifar10(string root, int perBatch, int test)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, "cifar-10-batches-bin")).FullName;
        for (var b = 0; b < 5; b++)
            File.WriteAllBytes(Path.Combine(dir, $"data_batch_{b + 1}.bin"), CifarFile(b * perBatch, Labels(b * perBatch, perBatch, 10), cifar100: false));
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), CifarFile(1000, Labels(1000, test, 10), cifar100: false));
        return dir;
    }

    public static byte[] Labels(int first, int count, int classes) =>
        Enumerable.Range(first, count).Select(i => (byte)(i % classes)).ToArray();
}
