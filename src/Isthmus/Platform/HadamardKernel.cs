using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Isthmus.Platform;

/// <summary>
/// The fast Walsh–Hadamard transform x ↦ H_n·x of every row of a float32 CPU tensor, in place, in O(n log n) adds:
/// the radix-2 butterflies (a, b) ↦ (a + b, a − b) at strides 1, 2, …, n/2, which give the unnormalised Sylvester
/// matrix (H_n)_ij = (−1)^popcount(i AND j). The three strides inside one 8-float vector are one permute and one
/// fused multiply-add each, all three in registers; the longer ones run two strides per pass over the row (radix 4),
/// so a row of 2^17 floats is read 8 times where libtorch's matrix-product stages read it 4 times but do 10× the
/// arithmetic. Rows are shared between torch's threads.
/// </summary>
/// <remarks>
/// Callers use it only where autograd does not need to see the transform (it writes the tensor's memory directly),
/// and check <see cref="Supports"/> first: AVX2 with FMA, a dense float32 CPU tensor, rows of at least 8.
/// </remarks>
internal static unsafe class HadamardKernel
{
    /// <summary>Whether <paramref name="x"/> ([rows, n]) can be transformed here: n a power of two, at least 8.</summary>
    public static bool Supports(Tensor x) =>
        Avx2.IsSupported && Fma.IsSupported && x.dim() == 2 && x.shape[1] >= 8 && System.Numerics.BitOperations.IsPow2(x.shape[1])
        && FusedKernels.Supports(x);

    /// <summary>H_n applied to every row of <paramref name="x"/> ([rows, n], n a power of two), in place.</summary>
    public static void TransformRows(Tensor x)
    {
        long rows = x.shape[0], n = x.shape[1];
        nint data = (nint)FusedKernels.Data(x);
        int threads = (int)Math.Min(get_num_threads(), rows);
        if (threads <= 1 || rows * n < 1 << 16)
        {
            for (long r = 0; r < rows; r++) TransformRow((float*)data + r * n, n);
            return;
        }
        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = threads }, r => TransformRow((float*)data + r * n, n));
    }

    private static void TransformRow(float* p, long n)
    {
        InVector(p, n);
        long h = 8;
        for (; 4 * h <= n; h *= 4) Radix4(p, n, h);
        if (h < n) Radix2(p, n, h);
    }

    /// <summary>Strides 1, 2 and 4: in each vector v, v_i ↦ v_{i XOR h} + s_i·v_i with s_i = −1 where bit h of i is set.</summary>
    private static void InVector(float* p, long n)
    {
        var s1 = Vector256.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f);
        var s2 = Vector256.Create(1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f);
        var s4 = Vector256.Create(1f, 1f, 1f, 1f, -1f, -1f, -1f, -1f);
        for (long i = 0; i < n; i += 8)
        {
            var v = Avx.LoadVector256(p + i);
            v = Fma.MultiplyAdd(v, s1, Avx.Permute(v, 0b10_11_00_01));     // within pairs
            v = Fma.MultiplyAdd(v, s2, Avx.Permute(v, 0b01_00_11_10));     // within 128-bit lanes
            v = Fma.MultiplyAdd(v, s4, Avx.Permute2x128(v, v, 0x01));      // across the two lanes
            Avx.Store(p + i, v);
        }
    }

    /// <summary>Strides h and 2h in one pass: four rows of a block of 4h give a ± b ± (c ± d).</summary>
    private static void Radix4(float* p, long n, long h)
    {
        for (long block = 0; block < n; block += 4 * h)
        for (long j = block; j < block + h; j += 8)
        {
            var a = Avx.LoadVector256(p + j);
            var b = Avx.LoadVector256(p + j + h);
            var c = Avx.LoadVector256(p + j + 2 * h);
            var d = Avx.LoadVector256(p + j + 3 * h);
            var ab = Avx.Add(a, b);
            var aMinusB = Avx.Subtract(a, b);
            var cd = Avx.Add(c, d);
            var cMinusD = Avx.Subtract(c, d);
            Avx.Store(p + j, Avx.Add(ab, cd));
            Avx.Store(p + j + h, Avx.Add(aMinusB, cMinusD));
            Avx.Store(p + j + 2 * h, Avx.Subtract(ab, cd));
            Avx.Store(p + j + 3 * h, Avx.Subtract(aMinusB, cMinusD));
        }
    }

    /// <summary>Stride h alone (the last one when log₂(n/8) is odd).</summary>
    private static void Radix2(float* p, long n, long h)
    {
        for (long block = 0; block < n; block += 2 * h)
        for (long j = block; j < block + h; j += 8)
        {
            var a = Avx.LoadVector256(p + j);
            var b = Avx.LoadVector256(p + j + h);
            Avx.Store(p + j, Avx.Add(a, b));
            Avx.Store(p + j + h, Avx.Subtract(a, b));
        }
    }
}
