using System.Runtime.InteropServices;

namespace Isthmus.Platform;

/// <summary>
/// On CPUs with AVX-512, libtorch's oneDNN (3.7) convolution kernels sometimes return NaN input gradients for float32
/// convolutions whose channels are not multiples of 16 (docs/performance.md): a network with 8-channel convolutions
/// diverges within an epoch, on two threads and, less often, on one, and trains normally with the kernels capped at
/// AVX2. So before the first convolution of a process runs, a network that has such a convolution caps oneDNN at
/// AVX2 (<c>ONEDNN_MAX_CPU_ISA</c>, which oneDNN reads once, when it first dispatches). It costs such networks some
/// speed (PreResNet-110's step: about 1.2×), never accuracy; networks whose channels are all multiples of 16 keep the
/// AVX-512 kernels. A user's own <c>ONEDNN_MAX_CPU_ISA</c> is left alone.
/// </summary>
public static class ConvolutionKernels
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>True once this process has capped the kernels.</summary>
    public static bool Capped { get; private set; }

    /// <summary>
    /// Whether a convolution of <paramref name="weightShape"/> ([out, in/groups, kH, kW]) is outside the defect's reach:
    /// both channel counts multiples of 16, or the input channels those of the network's input (whose gradient is never
    /// computed, e.g. 1 or 3).
    /// </summary>
    public static bool IsSound(IReadOnlyList<long> weightShape, bool isFirst) =>
        weightShape[0] % 16 == 0 && (isFirst || weightShape[1] % 16 == 0);

    /// <summary>Caps the kernels at AVX2 for this process if one of the convolutions (4-D weights, in order) is not sound.</summary>
    public static void Guard(IEnumerable<IReadOnlyList<long>> convolutionWeights)
    {
        if (Capped || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null) return;
        if (convolutionWeights.Select((w, i) => IsSound(w, i == 0)).All(sound => sound)) return;
        try
        {
            SetEnv(Variable, "AVX2", 0);
            Capped = true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }
}
