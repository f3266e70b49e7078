using Isthmus.Platform;

namespace Isthmus.Landscape;

/// <summary>
/// The fast Walsh–Hadamard transform x ↦ H_n·x along the last axis of a [rows, n] tensor, n a power of two, H_n the
/// unnormalised Sylvester matrix (entries ±1, H_n·H_n = n·I, symmetric). Built from tensor operations only, so autograd
/// differentiates through it.
/// </summary>
/// <remarks>
/// Sylvester's construction makes H_n a Kronecker product, H_n = H_{m_1} ⊗ H_{m_2} ⊗ … ⊗ H_{m_k}, so with the index
/// of x written as k mixed-radix digits (x viewed as [rows, m_1, …, m_k]) the transform multiplies every digit's axis
/// by a small dense H_m (m ≤ <see cref="MaxFactor"/>): O(n·Σm) work instead of the O(n²) of a dense product — the
/// O(n log n) of the radix-2 butterflies up to the small constant m/log₂m, in log₂n/log₂m passes over memory instead
/// of log₂n. The last axis is one matrix product [rows·n/m, m]·H_m; every other axis a (batched) product H_m·[m, rest]
/// (H is symmetric), so no stage copies or transposes the data and each is one BLAS call. Many rows at once make the
/// other axes batched products of small matrices, which measured faster on 2 cores than one wide product per axis with
/// the rows in the middle of the layout (docs/performance.md).
/// </remarks>
public static class WalshHadamard
{
    /// <summary>Largest dense factor H_m one stage multiplies by.</summary>
    public const int MaxFactor = 32;

    /// <summary>True when <paramref name="n"/> is a positive power of two.</summary>
    public static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;

    /// <summary>The smallest power of two at least <paramref name="n"/>.</summary>
    public static long CeilingPowerOfTwo(long n)
    {
        long p = 1;
        while (p < n) p <<= 1;
        return p;
    }

    /// <summary>The dense Sylvester matrix H_m (m a power of two), float32 ±1.</summary>
    public static Tensor Matrix(int m, Device? device = null)
    {
        if (!IsPowerOfTwo(m)) throw new ArgumentException($"A Hadamard matrix's size must be a power of two (got {m}).");
        var h = new float[m * m];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++)
            h[i * m + j] = int.PopCount(i & j) % 2 == 0 ? 1f : -1f; // (H_m)_ij = (−1)^⟨bits of i, bits of j⟩
        return tensor(h, [m, m], device: device ?? CPU);
    }

    /// <summary>
    /// H_n·x for every row of <paramref name="x"/> ([rows, n]); a new tensor, differentiable. Where autograd does not
    /// track <paramref name="x"/> and the CPU supports it, the butterflies of <see cref="HadamardKernel"/> (several times
    /// faster on 2 cores; docs/performance.md).
    /// </summary>
    public static Tensor Transform(Tensor x)
    {
        if (!(is_grad_enabled() && x.requires_grad) && HadamardKernel.Supports(x))
        {
            var y = x.clone();
            HadamardKernel.TransformRows(y);
            return y;
        }
        long rows = x.shape[0], n = x.shape[1];
        var factors = Factors(n);
        long[] dims = [rows, .. factors];
        using var flat = Apply(x, dims, rowAxis: 0);
        return flat.view(rows, n);
    }

    /// <summary>Multiplies every axis of <paramref name="x"/> viewed as <paramref name="dims"/> but the rows' by H_m; flat result.</summary>
    private static Tensor Apply(Tensor x, long[] dims, int rowAxis)
    {
        var y = x;
        long before = 1, after = dims.Aggregate(1L, (a, b) => a * b);
        for (int axis = 0; axis < dims.Length; axis++)
        {
            long m = dims[axis];
            after /= m;
            if (axis != rowAxis)
            {
                using var h = Matrix((int)m, x.device).to_type(x.dtype);
                // This digit's axis as the middle of [before, m, after], multiplied by H_m (symmetric) there.
                var next = after == 1 ? y.reshape(before, m).mm(h)
                    : before == 1 ? h.mm(y.reshape(m, after))
                    : h.matmul(y.reshape(before, m, after));
                if (!ReferenceEquals(y, x)) y.Dispose();
                y = next;
            }
            before *= m;
        }
        if (ReferenceEquals(y, x)) return x.reshape(-1).clone();
        using (y) return y.reshape(-1);
    }

    /// <summary>n = m_1·m_2·…, each a power of two at most <see cref="MaxFactor"/>, as even as possible.</summary>
    private static List<int> Factors(long n)
    {
        if (!IsPowerOfTwo(n)) throw new ArgumentException($"The Walsh–Hadamard transform needs a power-of-two length (got {n}).");
        int bits = (int)Math.Round(Math.Log2(n)), maxBits = (int)Math.Log2(MaxFactor);
        int stages = Math.Max(1, (bits + maxBits - 1) / maxBits);
        var factors = new List<int>();
        for (int s = 0; s < stages; s++)
        {
            int take = bits / (stages - s) + (bits % (stages - s) > 0 ? 1 : 0);
            factors.Add(1 << take);
            bits -= take;
        }
        return factors;
    }
}
