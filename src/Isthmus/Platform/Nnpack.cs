using System.Runtime.InteropServices;

namespace Isthmus.Platform;

/// <summary>
/// Before every CPU convolution it could hand to NNPACK (float32, 4-D, batch of 16 or more, kernel up to 16), libtorch
/// asks whether NNPACK started; libtorch 2.10 repeats the warning "Could not initialize NNPACK! Reason: Unsupported
/// hardware." at each asking when NNPACK's start-up failed (it needs a CPU whose caches it can identify, which a
/// virtual machine often hides). NNPACK is then never used, so switching it off in libtorch's global context — what
/// PyTorch's <c>torch.backends.nnpack.set_flags(False)</c> does (<c>at::Context::setUserEnabledNNPACK</c>), which
/// libtorch checks first — changes no result and ends the warnings. Where NNPACK starts, it is left on. TorchSharp
/// offers no binding for the switch, so it is called by its exported C++ name; where that is missing (another
/// libtorch, another platform), nothing changes but the warnings.
/// </summary>
public static class Nnpack
{
    private const string Library = "libtorch_cpu";

    [DllImport(Library, EntryPoint = "nnp_initialize")]
    private static extern int Initialize();

    [DllImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabled(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);

    [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.I1)]
    private static extern bool UserEnabled(IntPtr context);

    private static int _checked;

    /// <summary>True once this process has switched NNPACK off because it cannot start here.</summary>
    public static bool SwitchedOff { get; private set; }

    /// <summary>Whether libtorch may use NNPACK now; null where the switch cannot be read.</summary>
    public static bool? Enabled
    {
        get
        {
            try { return UserEnabled(GlobalContext()); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
        }
    }

    /// <summary>Switches NNPACK off for this process if it cannot start here (once; before a network's first convolution).</summary>
    public static void SwitchOffWhereUnavailable()
    {
        if (Interlocked.Exchange(ref _checked, 1) == 1 || !OperatingSystem.IsLinux()) return;
        try
        {
            if (Initialize() == 0) return; // nnp_status_success: NNPACK runs here
            SetUserEnabled(GlobalContext(), false);
            SwitchedOff = true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }
}
