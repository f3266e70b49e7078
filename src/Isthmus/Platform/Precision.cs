namespace Isthmus.Platform;

/// <summary>
/// Arithmetic of training steps. <c>bf16</c> is mixed precision in the manner of PyTorch's autocast, which TorchSharp
/// 0.107 does not offer: matrix products and convolutions run in bfloat16, while the weights, their updates,
/// batch-norm statistics and the loss stay float32. Evaluation always runs in float32, so metrics compare across
/// precisions.
/// </summary>
public static class Precision
{
    public const string Fp32 = "fp32", Bf16 = "bf16";
    public static readonly IReadOnlyList<string> Names = [Fp32, Bf16];

    /// <summary>The lower-precision type the layers cast to, or null for float32 throughout.</summary>
    public static ScalarType? AutocastType(string precision) => precision switch
    {
        Fp32 => null,
        Bf16 => ScalarType.BFloat16,
        _ => throw new IsthmusException($"--precision takes fp32 or bf16 (got '{precision}')."),
    };

    /// <summary>
    /// Whether a bf16 convolution with these channel counts gives bf16-accurate results on <paramref name="device"/>. On
    /// the CPU, libtorch 2.10's oneDNN bf16 kernels (AVX-512 BF16 without AMX) return wrong outputs when the output
    /// channels are not a multiple of 16 (relative error 0.1 to 0.9 against float32, where bf16 rounding gives 0.002),
    /// and wrong or NaN input gradients when the input channels are not; weight and bias gradients are right. Autocast
    /// keeps such convolutions in float32 (docs/performance.md), which costs speed, never accuracy.
    /// </summary>
    /// <param name="inputGradient">Whether the input's gradient is wanted (it is not for the network's input).</param>
    public static bool Bf16ConvolutionIsSound(Device device, long inChannels, long outChannels, bool inputGradient) =>
        device.type != DeviceType.CPU || (outChannels % 16 == 0 && (!inputGradient || inChannels % 16 == 0));

    /// <summary>
    /// Why bf16 may be slow on <paramref name="device"/>: a CPU without AMX or AVX-512 BF16 emulates bfloat16
    /// products. Null when the hardware has them (Linux CPU flags; CUDA devices are assumed to).
    /// </summary>
    public static string? Bf16Caveat(Device device)
    {
        if (device.type != DeviceType.CPU || !File.Exists("/proc/cpuinfo")) return null;
        var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(' ') ?? [];
        if (flags.Contains("amx_bf16")) return null;
        return flags.Contains("avx512_bf16")
            ? "This CPU has AVX-512 BF16 but no AMX: bf16 products run about twice as fast as float32 at best, and the casts cost extra (see docs/performance.md)."
            : "This CPU has neither AMX nor AVX-512 BF16, so bf16 products are emulated and likely slower than float32.";
    }
}
