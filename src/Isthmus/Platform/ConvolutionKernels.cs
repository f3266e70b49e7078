using System.Runtime.InteropServices;

namespace Isthmus.Platform;

/// <summary>
/// libtorch's oneDNN (3.7) runs float32 convolutions on channels blocked by the vector width (16 with AVX-512, 8 with
/// AVX2) and pads a channel count that is not a multiple of the block. With padded blocks its kernels sometimes return
/// NaN, in the forward pass and in gradients, from one run to the next with the same weights and data
/// (docs/performance.md, "A known libtorch defect"): a network with 8-channel convolutions diverges within an epoch
/// on AVX-512 kernels and trains normally on AVX2 ones, whose blocks of 8 it fills; convfc at width factor 0.17
/// (5, 11 and 22 channels) still fails on AVX2 and trains on SSE4.1 ones, which use plain layouts and a matrix product.
/// So before the first convolution of a process runs, a network caps oneDNN (<c>ONEDNN_MAX_CPU_ISA</c>, read once, at
/// the first dispatch) at the widest kernels whose blocks its channel counts fill: AVX2 when every count is a multiple
/// of 8, SSE4.1 otherwise. It costs such networks speed, never accuracy; networks whose channels are all multiples of 16
/// keep the AVX-512 kernels. A user's own <c>ONEDNN_MAX_CPU_ISA</c> is left alone.
/// </summary>
public static class ConvolutionKernels
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>The kernels this process capped oneDNN at ("avx2" or "sse41"), or null when it did not.</summary>
    public static string? Cap { get; private set; }

    /// <summary>
    /// The widest channel block that every channel count of a convolution of <paramref name="weightShape"/>
    /// ([out, in/groups, kH, kW]) fills: 16, 8 or 1. The input channels of the network's first convolution
    /// (<paramref name="isFirst"/>, e.g. 1 or 3) do not count: they stay in plain layout and their gradient is never computed.
    /// </summary>
    public static int Block(IReadOnlyList<long> weightShape, bool isFirst)
    {
        long channels = isFirst ? weightShape[0] : Gcd(weightShape[0], weightShape[1]);
        return channels % 16 == 0 ? 16 : channels % 8 == 0 ? 8 : 1;
    }

    /// <summary>The cap for convolutions of these weight shapes (4-D, in order): null, "AVX2" or "SSE41".</summary>
    public static string? CapFor(IEnumerable<IReadOnlyList<long>> convolutionWeights) =>
        convolutionWeights.Select((w, i) => Block(w, i == 0)).DefaultIfEmpty(16).Min() switch
        {
            16 => null,
            8 => "AVX2",
            _ => "SSE41",
        };

    /// <summary>Caps the kernels for this process if one of the convolutions (4-D weights, in order) leaves blocks padded.</summary>
    public static void Guard(IEnumerable<IReadOnlyList<long>> convolutionWeights)
    {
        // oneDNN reads the variable once: the first network of a process that needs a cap sets it for the process.
        if (Cap is not null || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null) return;
        var cap = CapFor(convolutionWeights);
        if (cap is null) return;
        try
        {
            SetEnv(Variable, cap, 0);
            Cap = cap.ToLowerInvariant();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
