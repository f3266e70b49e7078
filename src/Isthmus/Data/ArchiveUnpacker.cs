using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Isthmus.Data;

/// <summary>Unpacking steps the fetch manifests compose: .tgz entries, Debian packages, and file copies.</summary>
internal static class ArchiveUnpacker
{
    /// <summary>Writes every regular file directly under <paramref name="prefix"/> in a .tgz into <paramref name="outDir"/>.</summary>
    public static void ExtractTarGz(string archive, string prefix, string outDir)
    {
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
            if (!entry.Name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var name = entry.Name[prefix.Length..];
            // Only the flat files of that folder; never let an entry name climb out of outDir.
            if (name.Length == 0 || name.Contains('/') || name.Contains("..", StringComparison.Ordinal)) continue;
            entry.ExtractToFile(Path.Combine(outDir, name), overwrite: true);
        }
    }

    /// <summary>
    /// Unpacks a .deb with <c>dpkg-deb -x</c>: it reads every compression Debian has used for data.tar, which
    /// System.Formats.Tar alone (no xz, no zstd) cannot, and it needs no root.
    /// </summary>
    public static void ExtractDeb(string deb, string outDir)
    {
        var info = new ProcessStartInfo("dpkg-deb") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-x");
        info.ArgumentList.Add(deb);
        info.ArgumentList.Add(outDir);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception("dpkg-deb did not start");
        }
        catch (Win32Exception)
        {
            throw new IsthmusException(
                $"dpkg-deb is needed to unpack {Path.GetFileName(deb)} but is not installed; install it (`apt-get install dpkg`) or run on a Debian/Ubuntu machine.");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new IsthmusException(
                    $"dpkg-deb could not unpack {Path.GetFileName(deb)} ({stderr.Result.Trim()}); check the free disk space and run the fetch again.");
        }
    }

    /// <summary>Copies the regular files of <paramref name="fromDir"/> whose names pass <paramref name="keep"/>.</summary>
    public static void CopyFiles(string fromDir, string toDir, Func<string, bool> keep)
    {
        foreach (var path in RegularFiles(fromDir, keep))
            File.Copy(path, Path.Combine(toDir, Path.GetFileName(path)), overwrite: true);
    }

    /// <summary>Concatenates the regular files of <paramref name="fromDir"/> that pass <paramref name="keep"/>, in ordinal name order.</summary>
    public static void Concatenate(string fromDir, string toFile, Func<string, bool> keep)
    {
        using var output = File.Create(toFile);
        foreach (var path in RegularFiles(fromDir, keep))
        {
            using var input = File.OpenRead(path);
            input.CopyTo(output);
        }
    }

    // Symbolic links are skipped: packages link alternate names to the same text, which would duplicate it.
    private static IEnumerable<string> RegularFiles(string dir, Func<string, bool> keep)
    {
        if (!Directory.Exists(dir)) return [];
        return new DirectoryInfo(dir).EnumerateFiles()
            .Where(f => f.LinkTarget is null && keep(f.Name))
            .Select(f => f.FullName)
            .Order(StringComparer.Ordinal);
    }
}
