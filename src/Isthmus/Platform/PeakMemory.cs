namespace Isthmus.Platform;

/// <summary>
/// The process's peak resident memory over a phase, from Linux's high-water mark (<c>VmHWM</c> in
/// <c>/proc/self/status</c>), which writing 5 to <c>/proc/self/clear_refs</c> resets to the current resident size.
/// Elsewhere <see cref="Supported"/> is false and both read 0.
/// </summary>
public static class PeakMemory
{
    private const string Status = "/proc/self/status", ClearRefs = "/proc/self/clear_refs";

    /// <summary>True where the peak can be read and reset (Linux).</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux() && File.Exists(Status) && File.Exists(ClearRefs);

    /// <summary>Starts a new phase: the peak becomes the current resident size.</summary>
    public static void Reset()
    {
        if (Supported) File.WriteAllText(ClearRefs, "5");
    }

    /// <summary>The highest resident size since the last <see cref="Reset"/> (or since the process started), in bytes.</summary>
    public static long PeakBytes => Read("VmHWM:");

    /// <summary>The resident size now, in bytes.</summary>
    public static long ResidentBytes => Read("VmRSS:");

    private static long Read(string key)
    {
        if (!Supported) return 0;
        foreach (var line in File.ReadLines(Status))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line.AsSpan(key.Length).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
