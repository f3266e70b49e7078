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
/// (H is symmetric), so no stage copies or transposes the data and each is one BLAS call. Many vectors at once are
/// best held in <see cref="BlockShape"/>, where no stage splits the work into products as small as one vector's.
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

    /// <summary>H_n·x for every row of <paramref name="x"/> ([rows, n]); a new tensor, differentiable.</summary>
    public static Tensor Transform(Tensor x)
    {
        long rows = x.shape[0], n = x.shape[1];
        var factors = Factors(n);
        long[] dims = [rows, .. factors];
        using var flat = Apply(x, dims, rowAxis: 0);
        return flat.view(rows, n);
    }

    /// <summary>
    /// The block layout of <paramref name="blocks"/> vectors of length n = m_1·…·m_k: index (d_1, …, d_{k−1}, b, d_k),
    /// block b's digits around the block index, so that every stage of <see cref="TransformBlocks"/> is one matrix
    /// product over all blocks at once (the first k − 1 digits multiply from the left, the last from the right).
    /// </summary>
    public static long[] BlockShape(long blocks, long n)
    {
        var factors = Factors(n);
        return [.. factors.Take(factors.Count - 1).Select(m => (long)m), blocks, factors[^1]];
    }

    /// <summary>[blocks, n] rows rearranged into <see cref="BlockShape"/>, flat.</summary>
    public static Tensor ToBlockLayout(Tensor x)
    {
        long blocks = x.shape[0], n = x.shape[1];
        var shape = BlockShape(blocks, n);
        int k = shape.Length;
        long[] rowsFirst = [blocks, .. shape.Take(k - 2), shape[^1]];
        long[] order = [.. Enumerable.Range(1, k - 2).Select(i => (long)i), 0, k - 1];
        return x.reshape(rowsFirst).permute(order).reshape(-1);
    }

    /// <summary>The inverse of <see cref="ToBlockLayout"/>: [blocks, n] from a flat tensor in block layout.</summary>
    public static Tensor FromBlockLayout(Tensor flat, long blocks, long n)
    {
        var shape = BlockShape(blocks, n);
        int k = shape.Length;
        long[] order = [k - 2, .. Enumerable.Range(0, k - 2).Select(i => (long)i), k - 1];
        return flat.reshape(shape).permute(order).reshape(blocks, n);
    }

    /// <summary>
    /// H_n applied to each of the <paramref name="blocks"/> vectors held in <see cref="BlockShape"/> by the flat
    /// <paramref name="x"/>; the result flat in the same layout. Differentiable.
    /// </summary>
    public static Tensor TransformBlocks(Tensor x, long blocks, long n)
    {
        var dims = BlockShape(blocks, n);
        return Apply(x, dims, rowAxis: dims.Length - 2);
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
