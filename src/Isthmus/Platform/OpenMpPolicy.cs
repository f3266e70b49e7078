using System.Runtime.InteropServices;

namespace Isthmus.Platform;

/// <summary>
/// libtorch's OpenMP threads spin while they wait for work (OMP_WAIT_POLICY=ACTIVE). When two Isthmus processes — or
/// any other busy process — share the cores, the spinning threads steal each other's time: an MLP epoch that takes
/// 2 s went to 5–30 s here under load, and back to 2 s with PASSIVE. libgomp reads the policy once, when libtorch is
/// loaded, so it must be in the native environment before the first tensor exists; .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach the native environment on Linux,
/// hence setenv. A user's own OMP_WAIT_POLICY is left alone.
/// </summary>
public static class OpenMpPolicy
{
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>Call before the first TorchSharp call of the process.</summary>
    public static void PreferPassiveWaiting()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        try { SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }
}
