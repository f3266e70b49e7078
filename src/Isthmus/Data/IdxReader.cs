using System.Buffers.Binary;
using System.IO.Compression;

namespace Isthmus.Data;

/// <summary>Images read from an IDX file: <see cref="Pixels"/> holds <see cref="Count"/> row-major images, one byte per pixel.</summary>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Columns);

/// <summary>
/// Reads the IDX format of LeCun's MNIST files (big-endian header, unsigned bytes), plain or gzip-compressed
/// (detected by the gzip magic, not the file name). The header, the dimensions and the exact size are checked, so a
/// truncated or foreign file fails here with its name instead of becoming a wrong tensor later.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an IDX image file (magic 0x00000803).</summary>
    /// <exception cref="IsthmusException">The file is missing, not an image file, or has the wrong size.</exception>
    public static IdxImages ReadImages(string path) => ParseImages(ReadFile(path), path);

    /// <summary>Reads an IDX label file (magic 0x00000801): one byte per example.</summary>
    /// <exception cref="IsthmusException">The file is missing, not a label file, or has the wrong size.</exception>
    public static byte[] ReadLabels(string path) => ParseLabels(ReadFile(path), path);

    /// <summary>Parses the raw (possibly gzip) bytes of an image file; <paramref name="path"/> is only for messages.</summary>
    internal static IdxImages ParseImages(byte[] raw, string path)
    {
        var (body, dims) = Parse(raw, path, ImagesMagic, "image");
        return new IdxImages(body, dims[0], dims[1], dims[2]);
    }

    /// <summary>Parses the raw (possibly gzip) bytes of a label file; <paramref name="path"/> is only for messages.</summary>
    internal static byte[] ParseLabels(byte[] raw, string path) => Parse(raw, path, LabelsMagic, "label").Body;

    private static byte[] ReadFile(string path)
    {
        if (!File.Exists(path))
            throw new IsthmusException($"{path} does not exist; check the path or fetch the data set with `./isthmus data fetch`.");
        return File.ReadAllBytes(path);
    }

    private static (byte[] Body, int[] Dims) Parse(byte[] raw, string path, int expectedMagic, string kind)
    {
        var compressed = raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
        var bytes = compressed ? Gunzip(raw, path) : raw;
        var what = compressed ? "decompresses to" : "has";

        var magic = bytes.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(bytes) : -1;
        if (magic != expectedMagic)
            throw new IsthmusException(
                $"{path} is not an IDX {kind} file (magic 0x{magic:X8}, expected 0x{expectedMagic:X8}); replace it with the right file.");

        var rank = expectedMagic & 0xff;
        var header = 4 + 4 * rank;
        if (bytes.Length < header)
            throw new IsthmusException($"{path} is truncated ({what} {bytes.Length} bytes, shorter than its header); replace it.");
        var dims = new int[rank];
        long expected = header;
        long elements = 1;
        for (var i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] < 0 || (i > 0 && dims[i] == 0))
                throw new IsthmusException($"{path} has an invalid dimension {dims[i]} in its header; replace it.");
            elements *= dims[i];
        }
        expected += elements;
        if (bytes.Length != expected)
            throw new IsthmusException(
                $"{path} {what} {bytes.Length} bytes, expected {expected} for dimensions {string.Join("×", dims)}; it is truncated or corrupt, so replace it.");
        return (bytes.AsSpan(header).ToArray(), dims);
    }

    private static byte[] Gunzip(byte[] raw, string path)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream(raw.Length * 4);
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new IsthmusException($"{path} is a damaged gzip file ({e.Message}); replace it.", e);
        }
    }
}
