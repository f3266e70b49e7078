using System.Runtime.InteropServices;

namespace Isthmus.Platform;

/// <summary>
/// libtorch's OpenMP threads spin for a long while before they sleep when they wait for work. When two Isthmus
/// processes — or any other busy process — share the cores, the spinning threads steal each other's time: with three
/// runs on two cores and libtorch's default spinning, MLP epochs that take 4.5 s alone took 130–200 s. Measured here
/// (MNIST MLP epoch, seconds): quiet — default 3.5–4.0, PASSIVE 4.5–5.0, GOMP_SPINCOUNT=1000 3.4–4.6; two runs at
/// once — GOMP_SPINCOUNT=20000 25, PASSIVE 7.3–7.8, GOMP_SPINCOUNT=1000 7.3–8.5 (fair sharing: ~8). A short spin keeps
/// the quiet-machine speed and gives the cores back quickly. libgomp reads these once, when libtorch is loaded, so they must be in the
/// native environment before the first tensor exists; .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not reach the native environment on Linux, hence setenv. A user's own settings are left alone.
/// </summary>
public static class OpenMpPolicy
{
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>Call before the first TorchSharp call of the process.</summary>
    public static void PreferShortSpinning()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null
            || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null) return;
        try { SetEnv("GOMP_SPINCOUNT", "1000", 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }
}
