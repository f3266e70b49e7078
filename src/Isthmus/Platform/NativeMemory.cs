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

    /// <summary>Gives free heap pages back to the operating system (glibc only; a no-op elsewhere).</summary>
    public static void Trim()
    {
        if (_unavailable) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _unavailable = true; }
    }
}
