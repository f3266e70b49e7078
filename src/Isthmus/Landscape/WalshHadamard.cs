namespace Isthmus.Landscape;

/// <summary>
/// The fast Walsh–Hadamard transform x ↦ H_n·x along the last axis of a [rows, n] tensor, n a power of two, H_n the
/// unnormalised Sylvester matrix (entries ±1, H_n·H_n = n·I, symmetric). Built from tensor operations only, so autograd
/// differentiates through it.
/// </summary>
/// <remarks>
/// Sylvester's construction makes H_n a Kronecker product, H_{a·b} = H_a ⊗ H_b, so the transform is a few stages, each
/// multiplying one mixed-radix digit of the index by a small dense H_m (m ≤ <see cref="MaxFactor"/>): O(n·Σm) work
/// instead of the O(n²) of a dense product — the O(n log n) of the radix-2 butterflies up to the small constant m/log₂m,
/// traded for log₂n/log₂m times fewer passes over memory. A stage works on the last axis and then moves it to the
/// front, so after all stages every digit has been transformed once and the axes are back in order.
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
        if (!IsPowerOfTwo(n)) throw new ArgumentException($"The Walsh–Hadamard transform needs a power-of-two length (got {n}).");
        var y = x;
        foreach (int m in Factors(n))
        {
            using var h = Matrix(m, x.device).to_type(x.dtype);
            var stage = y.reshape(rows, n / m, m).matmul(h);
            var next = m == n ? stage.reshape(rows, n) : stage.transpose(1, 2).reshape(rows, n);
            if (!ReferenceEquals(y, x)) y.Dispose();
            stage.Dispose();
            y = next;
        }
        return ReferenceEquals(y, x) ? x.clone() : y;
    }

    /// <summary>n = m_1·m_2·…, each a power of two at most <see cref="MaxFactor"/>, as even as possible.</summary>
    private static List<int> Factors(long n)
    {
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
