namespace Isthmus.Data;

/// <summary>
/// The data sets Isthmus knows by name, loaded into memory as one tensor per split. Fetched sets (MNIST,
/// Fashion-MNIST, fortunes) are checked against the SHA-256 of the fetch manifest on every load, so a run record's
/// checksums prove which bytes it trained on.
/// </summary>
public static class DataCatalog
{
    /// <summary>Every name <see cref="Load"/> accepts, besides a user's own <c>npz:FILE</c> and <c>folder:DIR</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mnist", "fashion-mnist", "cifar10", "cifar100", "fortunes", "brown"];

    /// <summary>Prefix of a user's own images in an <c>.npz</c> (<see cref="OwnImages.FromNpz"/>).</summary>
    public const string NpzPrefix = "npz:";

    /// <summary>Prefix of a user's own images in class folders (<see cref="ImageFolderReader"/>).</summary>
    public const string FolderPrefix = "folder:";

    /// <summary>Loads <paramref name="name"/> from <see cref="DataOptions.Root"/> onto <see cref="DataOptions.Device"/>.</summary>
    /// <exception cref="IsthmusException">Unknown name, data set not present, a file corrupt, or <see cref="DataOptions.Val"/>
    /// not smaller than the training set.</exception>
    public static DataBundle Load(string name, DataOptions options)
    {
        if (options.Val < 0)
            throw new IsthmusException($"The validation hold-out must be 0 or more examples, not {options.Val}; pass --val 0 to evaluate on the test set.");
        if (name.StartsWith(NpzPrefix, StringComparison.Ordinal)) return OwnImages.FromNpz(name, name[NpzPrefix.Length..], options);
        if (name.StartsWith(FolderPrefix, StringComparison.Ordinal)) return ImageFolderReader.Load(name, name[FolderPrefix.Length..], options);
        return name switch
        {
            "mnist" => LoadIdx(FetchSource.Mnist, Normalization.Mnist, options),
            "fashion-mnist" => LoadIdx(FetchSource.FashionMnist, Normalization.FashionMnist, options),
            "cifar10" => LoadCifar(name, CifarVariant.Cifar10, Normalization.Cifar10, 10, options),
            "cifar100" => LoadCifar(name, CifarVariant.Cifar100, Normalization.Cifar100, 100, options),
            "fortunes" => LoadText(FetchSource.Fortunes, options),
            "brown" => LoadText(FetchSource.Brown, options),
            _ => throw new IsthmusException($"Unknown data set '{name}'; use one of {string.Join(", ", Names)}, npz:FILE or folder:DIR."),
        };
    }

    private static DataBundle LoadIdx(FetchSource source, Normalization normalization, DataOptions options)
    {
        var checksums = new Dictionary<string, string>();
        string PathOf(string prefix) => Path.Combine(options.Root, source.Name, source.File(prefix).FileName);
        byte[] Read(string prefix) => ReadVerified(source, prefix, options.Root, checksums);
        var trainImages = IdxReader.ParseImages(Read("train-images"), PathOf("train-images"));
        var trainLabels = IdxReader.ParseLabels(Read("train-labels"), PathOf("train-labels"));
        var testImages = IdxReader.ParseImages(Read("t10k-images"), PathOf("t10k-images"));
        var testLabels = IdxReader.ParseLabels(Read("t10k-labels"), PathOf("t10k-labels"));

        var train = ImageDataset.FromBytes(trainImages.Pixels, trainLabels, trainImages.Count, 1, trainImages.Rows, trainImages.Columns, normalization, options.Device);
        var test = ImageDataset.FromBytes(testImages.Pixels, testLabels, testImages.Count, 1, testImages.Rows, testImages.Columns, normalization, options.Device);
        return Bundle(source.Name, train, test, classes: 10, augment: false, options, checksums);
    }

    private static DataBundle LoadCifar(string name, CifarVariant variant, Normalization normalization, int classes, DataOptions options)
    {
        var folder = CifarReader.FindFolder(options.Root, variant);
        var checksums = new Dictionary<string, string>();
        var trainRaw = CifarReader.Read(folder, variant, train: true, checksums);
        var testRaw = CifarReader.Read(folder, variant, train: false, checksums);
        var train = ImageDataset.FromBytes(trainRaw.Pixels, trainRaw.Labels, trainRaw.Count, 3, 32, 32, normalization, options.Device);
        var test = ImageDataset.FromBytes(testRaw.Pixels, testRaw.Labels, testRaw.Count, 3, 32, 32, normalization, options.Device);
        return Bundle(name, train, test, classes, augment: true, options, checksums);
    }

    private static DataBundle LoadText(FetchSource source, DataOptions options)
    {
        var checksums = new Dictionary<string, string>();
        var kept = source.Files[0];
        var bytes = ReadVerified(source, kept.FileName, options.Root, checksums);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var corpus = source == FetchSource.Brown ? BrownCorpus.FromText(text) : TextCorpus.FromText(text, source: kept.FileName);
        var validation = options.Val > 0;
        return DataBundle.ForText(source.Name,
            TextDataset.FromIds(FirstTokens(corpus.Train, options.Subset), options.Device),
            TextDataset.FromIds(validation ? corpus.Valid : corpus.Test, options.Device),
            corpus.Vocab, validation ? "validation" : "test", checksums);
    }

    /// <summary>--subset for text: the first <paramref name="subset"/> training tokens (all when 0 or more than there are).</summary>
    internal static long[] FirstTokens(long[] train, int subset)
    {
        if (subset < 0)
            throw new IsthmusException($"--subset must be 0 (all) or more tokens, not {subset}.");
        return subset > 0 && subset < train.Length ? train[..subset] : train;
    }

    // Garipov et al.'s --use_test off: the last Val training examples become the evaluation set; the test set is unused.
    internal static DataBundle Bundle(string name, ImageDataset train, ImageDataset test, int classes, bool augment,
        DataOptions options, Dictionary<string, string> checksums)
    {
        if (options.Subset < 0)
            throw new IsthmusException($"--subset must be 0 (all) or more examples, not {options.Subset}.");
        if (options.Val == 0)
            return DataBundle.ForImages(name, First(train, options.Subset), test, classes, augment, "test", checksums);
        test.Dispose();
        if (options.Val >= train.Count)
        {
            var count = train.Count;
            train.Dispose();
            throw new IsthmusException(
                $"--val {options.Val} would hold out the whole training set of {name} ({count} examples); pass a smaller --val.");
        }
        var (head, tail) = train.SplitLast(options.Val);
        return DataBundle.ForImages(name, First(head, options.Subset), tail, classes, augment, "validation", checksums);
    }

    private static ImageDataset First(ImageDataset train, int subset)
    {
        if (subset == 0 || subset >= train.Count) return train;
        var (head, rest) = train.SplitLast(train.Count - subset);
        rest.Dispose();
        return head;
    }

    private static byte[] ReadVerified(FetchSource source, string filePrefix, string root, Dictionary<string, string> checksums)
    {
        var kept = source.File(filePrefix);
        var dir = Path.Combine(root, source.Name);
        var path = Path.Combine(dir, kept.FileName);
        if (!File.Exists(path))
            throw new IsthmusException(
                $"{Capitalized(source.DisplayName)} is not in {dir}; run `./isthmus data fetch {source.Name}` (or pass --data-root).");
        var bytes = File.ReadAllBytes(path);
        var sha = FileHash.Sha256(bytes);
        if (sha != kept.Sha256)
            throw new IsthmusException(
                $"{path} is corrupt (SHA-256 {sha}, expected {kept.Sha256}); delete it and run `./isthmus data fetch {source.Name}`.");
        checksums[kept.FileName] = sha;
        return bytes;
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
