namespace Isthmus.Data;

/// <summary>Images read from CIFAR binary files: <see cref="Pixels"/> holds <see cref="Count"/> images of 3×32×32 bytes.</summary>
/// <param name="Pixels">Channel-major (CHW) per image: the 1024 red bytes, then green, then blue, each plane row-major.</param>
/// <param name="Labels">One class per image; for CIFAR-100 the fine label (0..99).</param>
/// <param name="Count">Number of images.</param>
public sealed record CifarImages(byte[] Pixels, byte[] Labels, int Count);

/// <summary>
/// Reads the official binary version of CIFAR-10/100 (https://www.cs.toronto.edu/~kriz/cifar.html) from a folder
/// the user downloaded it to; it cannot be fetched from the machines this project runs on.
/// </summary>
public static class CifarReader
{
    /// <summary>Bytes of one image in a record: 3 channels of 32×32, already in CHW order.</summary>
    public const int ImageBytes = 3 * 32 * 32;

    /// <summary>The folder name the official tarball unpacks to.</summary>
    public static string FolderName(CifarVariant variant) =>
        variant == CifarVariant.Cifar10 ? "cifar-10-batches-bin" : "cifar-100-binary";

    /// <summary>The files of the training (or test) split, in the order their records are concatenated.</summary>
    public static IReadOnlyList<string> Files(CifarVariant variant, bool train) => (variant, train) switch
    {
        (CifarVariant.Cifar10, true) => ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"],
        (CifarVariant.Cifar10, false) => ["test_batch.bin"],
        (_, true) => ["train.bin"],
        _ => ["test.bin"],
    };

    /// <summary>
    /// Finds the folder holding the binary files: <paramref name="root"/> itself, its official sub-folder
    /// (<c>cifar-10-batches-bin</c> / <c>cifar-100-binary</c>), or that sub-folder under <c>cifar10/</c> / <c>cifar100/</c>.
    /// </summary>
    /// <exception cref="IsthmusException">None of these holds the files.</exception>
    public static string FindFolder(string root, CifarVariant variant)
    {
        var shortName = variant == CifarVariant.Cifar10 ? "cifar10" : "cifar100";
        string[] candidates =
        [
            root,
            Path.Combine(root, FolderName(variant)),
            Path.Combine(root, shortName),
            Path.Combine(root, shortName, FolderName(variant)),
        ];
        var first = Files(variant, train: false)[0];
        foreach (var dir in candidates)
            if (File.Exists(Path.Combine(dir, first))) return dir;
        var display = variant == CifarVariant.Cifar10 ? "CIFAR-10" : "CIFAR-100";
        throw new IsthmusException(
            $"{display} is not in {root}; download the binary version from https://www.cs.toronto.edu/~kriz/cifar.html, unpack it there so that {Path.Combine(root, FolderName(variant))} exists (or pass --data-root).");
    }

    /// <summary>Reads the training or test split from <paramref name="folder"/> (see <see cref="FindFolder"/>).</summary>
    /// <exception cref="IsthmusException">A file is missing or its size is not a whole number of records.</exception>
    public static CifarImages Read(string folder, CifarVariant variant, bool train) => Read(folder, variant, train, checksums: null);

    /// <summary>As <see cref="Read(string, CifarVariant, bool)"/>, recording each file's SHA-256 in <paramref name="checksums"/>.</summary>
    internal static CifarImages Read(string folder, CifarVariant variant, bool train, IDictionary<string, string>? checksums)
    {
        var labelBytes = variant == CifarVariant.Cifar10 ? 1 : 2;
        var record = labelBytes + ImageBytes;
        var raws = new List<byte[]>();
        foreach (var name in Files(variant, train))
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
                throw new IsthmusException(
                    $"{path} is missing; unpack the complete binary version of CIFAR from https://www.cs.toronto.edu/~kriz/cifar.html into {folder}.");
            var raw = File.ReadAllBytes(path);
            if (raw.Length == 0 || raw.Length % record != 0)
                throw new IsthmusException(
                    $"{path} has {raw.Length} bytes, not a whole number of {record}-byte records; it is truncated or not the binary version, so download it again.");
            checksums?.Add(name, FileHash.Sha256(raw));
            raws.Add(raw);
        }

        var count = raws.Sum(r => r.Length / record);
        var pixels = new byte[(long)count * ImageBytes];
        var labels = new byte[count];
        var i = 0;
        foreach (var raw in raws)
            for (var offset = 0; offset < raw.Length; offset += record, i++)
            {
                // CIFAR-100 stores coarse then fine; the fine label is the 100-way task everyone reports.
                labels[i] = raw[offset + labelBytes - 1];
                raw.AsSpan(offset + labelBytes, ImageBytes).CopyTo(pixels.AsSpan(i * ImageBytes));
            }
        return new CifarImages(pixels, labels, count);
    }
}
