namespace Isthmus.Data;

/// <summary>
/// Puts the public data sets (<c>mnist</c>, <c>fashion-mnist</c>, <c>fortunes</c>, <c>brown</c>) under <c>&lt;root&gt;/&lt;name&gt;/</c>,
/// each file checked against a SHA-256 fixed in code. CIFAR is not fetchable from here: see <see cref="CifarReader"/>.
/// </summary>
public static class DataFetcher
{
    /// <summary>The names <see cref="FetchAsync"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = FetchSource.All.Keys.ToArray();

    /// <summary>
    /// Downloads, verifies and unpacks <paramref name="name"/> into <c>&lt;root&gt;/&lt;name&gt;/</c>; does nothing when
    /// every file is already there with the right checksum. Archives go to a scratch folder beside the data and every
    /// kept file is renamed into place only after its checksum matched, so an interrupted fetch never leaves a
    /// half-written file under its final name.
    /// </summary>
    /// <exception cref="IsthmusException">Unknown name, network failure, checksum mismatch, missing dpkg-deb,
    /// unwritable root or full disk.</exception>
    public static async Task FetchAsync(string name, string root, IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        var source = FetchSource.Get(name);
        var dir = Path.Combine(root, source.Name);
        if (IsPresentIn(source, dir)) return;

        var scratch = Path.Combine(dir, $".fetch-{Environment.ProcessId}-{Guid.NewGuid():N}"[..28]);
        try
        {
            Directory.CreateDirectory(dir);
            var staging = Directory.CreateDirectory(Path.Combine(scratch, "staging")).FullName;
            var unpacked = Directory.CreateDirectory(Path.Combine(scratch, "unpacked")).FullName;

            if (!CopyFromSystem(source, staging))
            {
                var archives = new List<string>();
                foreach (var remote in source.Archives)
                {
                    var path = Path.Combine(scratch, remote.FileName);
                    await Downloader.DownloadAsync(remote, path, progress, ct);
                    archives.Add(path);
                }
                source.Extract(archives, unpacked, staging);
            }

            foreach (var kept in source.Files)
            {
                var staged = Path.Combine(staging, kept.FileName);
                if (!File.Exists(staged))
                    throw new IsthmusException(
                        $"The {source.DisplayName} archive has no {kept.FileName}; the mirror changed its layout, so place the file in {dir} by hand.");
                var sha = FileHash.Sha256OfFile(staged);
                if (sha != kept.Sha256)
                    throw new IsthmusException(
                        $"{kept.FileName} unpacked from the {source.DisplayName} archive has SHA-256 {sha}, expected {kept.Sha256}; delete {dir} and run `./isthmus data fetch {source.Name}` again.");
                File.Move(staged, Path.Combine(dir, kept.FileName), overwrite: true);
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IsthmusException(
                $"Cannot write to {dir}; pass a writable --data-root or set ISTHMUS_DATA to a writable folder.", e);
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw new IsthmusException(
                $"The disk holding {dir} is full; free some space or pass --data-root on another disk.", e);
        }
        catch (IOException e)
        {
            throw new IsthmusException(
                $"Could not write under {dir} ({e.Message}); check that the folder is writable or pass another --data-root.", e);
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    /// <summary>True when every file of <paramref name="name"/> is under <c>&lt;root&gt;/&lt;name&gt;/</c> with the right checksum.</summary>
    public static bool IsPresent(string name, string root)
    {
        var source = FetchSource.Get(name);
        return IsPresentIn(source, Path.Combine(root, source.Name));
    }

    /// <summary>
    /// Where data lives when the user names no folder: <c>$ISTHMUS_DATA</c> if set; otherwise <c>data/</c> in the
    /// repository (the first folder above the program that holds <c>Isthmus.slnx</c>), so that the CLI, the tests and
    /// the library share one copy; otherwise <c>./data</c>.
    /// </summary>
    public static string DefaultRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ISTHMUS_DATA");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Isthmus.slnx")))
                return Path.Combine(dir.FullName, "data");
        return Path.GetFullPath("data");
    }

    internal static bool IsPresentIn(FetchSource source, string dir) =>
        source.Files.All(f => FileHash.Matches(Path.Combine(dir, f.FileName), f.Sha256));

    private static bool CopyFromSystem(FetchSource source, string staging)
    {
        if (source.SystemCopy is not { } system || !IsPresentIn(source, system)) return false;
        foreach (var kept in source.Files)
            File.Copy(Path.Combine(system, kept.FileName), Path.Combine(staging, kept.FileName), overwrite: true);
        return true;
    }

    // ENOSPC (28) and EDQUOT (122) on Linux; .NET puts the errno in HResult for Unix I/O errors.
    private static bool IsDiskFull(IOException e) =>
        e.HResult is 28 or 122 || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
