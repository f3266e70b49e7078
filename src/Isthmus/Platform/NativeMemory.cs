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

    private const int TrimThreshold = -1, MmapThreshold = -3, MmapMax = -4; // glibc's M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_MMAP_MAX
    private const int DefaultMmapMax = 65536;

    private static int _heapOnlyScopes;

    /// <summary>
    /// Serves every block from the reused heap, instead of fresh mappings, while the returned scope lives. glibc maps
    /// blocks over 32 MB (and, until it adapts, much smaller ones) straight from the kernel and unmaps them when freed,
    /// so a loop that allocates and frees the same large activations every batch pays for the kernel to zero new pages
    /// every time: 16 stacked MLP points per batch (51 MB activations) scored 1.14–1.27× one point at a time that way,
    /// 1.38–1.63× from the heap. Only stacked evaluation asks for it: held for a whole training run or a deep network's
    /// evaluation, the heap's holes were not reused by later, differently sized activations and a PreResNet-164
    /// <c>train</c> on 3,000 images peaked at 9.6 GB instead of 3.6 (docs/performance.md). On leaving the last
    /// scope, blocks over 32 MB are mapped again (glibc's own limit for heap blocks once it has adapted); the caller
    /// gives the heap's free pages back with <see cref="Trim"/> at the end of its phase, as every phase does. Setting
    /// <c>MALLOC_MMAP_MAX_</c> leaves glibc alone.
    /// </summary>
    public static IDisposable LargeBlocksInHeap()
    {
        if (_unavailable || Environment.GetEnvironmentVariable("MALLOC_MMAP_MAX_") is not null) return NoScope.Instance;
        if (Interlocked.Increment(ref _heapOnlyScopes) == 1)
            Set((MmapMax, 0), (TrimThreshold, 256 << 20));
        return new HeapOnlyScope();
    }

    private static void Set(params (int Parameter, int Value)[] settings)
    {
        try
        {
            foreach (var (parameter, value) in settings) MallOpt(parameter, value);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _unavailable = true; }
    }

    private sealed class HeapOnlyScope : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1 || Interlocked.Decrement(ref _heapOnlyScopes) > 0) return;
            Set((MmapMax, DefaultMmapMax), (MmapThreshold, 32 << 20), (TrimThreshold, 64 << 20));
        }
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();
        public void Dispose() { }
    }

    /// <summary>Gives free heap pages back to the operating system (glibc only; a no-op elsewhere).</summary>
    public static void Trim()
    {
        if (_unavailable) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _unavailable = true; }
    }
}
