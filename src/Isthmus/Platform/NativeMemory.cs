using System.Runtime.InteropServices;

namespace Isthmus.Platform;

/// <summary>
/// glibc's allocator keeps freed libtorch buffers in fragmented heaps; over many epochs the process grew by
/// ~10 % per epoch here although every tensor was disposed. Returning free pages to the system at phase
/// boundaries (end of an epoch, end of an evaluation) keeps memory flat without touching the hot loop.
/// </summary>
public static class NativeMemory
{
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static bool _unavailable = !OperatingSystem.IsLinux();

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    private const int TrimThreshold = -1, MmapMax = -4; // glibc's M_TRIM_THRESHOLD, M_MMAP_MAX

    /// <summary>
    /// Serves every block from the reused heap instead of fresh mappings. glibc maps blocks over 32 MB (and, until it
    /// adapts, much smaller ones) straight from the kernel and unmaps them when freed, so a loop that allocates and
    /// frees the same large activations every batch pays for the kernel to zero new pages every time: 16 stacked MLP
    /// points per batch (51 MB activations) scored 1.14–1.27× one point at a time that way, 1.38–1.63× from the heap.
    /// Free memory at the top of the heap is kept up to 256 MB and the rest returned as before; <see cref="Trim"/> at
    /// phase boundaries still gives everything free back. Call once, at the start of the process (glibc only).
    /// </summary>
    public static void KeepLargeBlocksInHeap()
    {
        if (_unavailable || Environment.GetEnvironmentVariable("MALLOC_MMAP_MAX_") is not null) return;
        try
        {
            MallOpt(MmapMax, 0);
            MallOpt(TrimThreshold, 256 << 20);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _unavailable = true; }
    }

    /// <summary>Gives free heap pages back to the operating system (glibc only; a no-op elsewhere).</summary>
    public static void Trim()
    {
        if (_unavailable) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _unavailable = true; }
    }
}
