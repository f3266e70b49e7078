namespace Isthmus.Storage;

/// <summary>
/// Writes files so that a reader never sees half of one: write to a temporary file in the same folder, flush to
/// disk, then rename over the target. A full disk or a read-only folder becomes an <see cref="IsthmusException"/>
/// that says so.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw Explain(e, path);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });

    /// <summary>Turns an I/O failure into one sentence naming the file and the fix.</summary>
    public static IsthmusException Explain(Exception e, string path)
    {
        const int DiskFull = 28; // ENOSPC
        if (e is IOException io && ((io.HResult & 0xFFFF) == DiskFull || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)))
            return new IsthmusException($"The disk is full while writing {path}; free some space (or choose another --out) and rerun with --resume.", e);
        if (e is UnauthorizedAccessException || e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase))
            return new IsthmusException($"Cannot write {path}: the location is read-only or not yours; choose a writable --out.", e);
        return new IsthmusException($"Cannot write {path}: {e.Message}", e);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
