using Isthmus.Training;

namespace Isthmus.Landscape;

/// <summary>
/// A structured random map Pᵀ: ℝ^d → ℝ^N in O(N log d) time and O(N) memory whatever d — the Fastfood transform
/// (Le et al. 2013, eq. 7) as Li et al. (2018, §2 and Appendix) use it for random subspaces of large networks
/// (docs/science.md §8). z is padded with zeros to n = 2^⌈log₂ d⌉ and every block b of n weights is V_b·z with
/// V_b = S·H·G_b·Π_b·H·B: B random signs, H the Walsh–Hadamard matrix, Π_b a random permutation, G_b a Gaussian
/// diagonal, S one scale; the blocks together cover N weights, the positions past N dropped.
/// </summary>
/// <remarks>
/// <para>
/// B is drawn once and shared by every block, so H·B·z is one transform of n numbers and a step costs one transform of
/// the N weights each way (P·g sums Π_bᵀ·G_b·H·g_b over the blocks before the shared H·B), not two: Π_b and G_b stay
/// independent per block, and they alone make the blocks' parts of the directions independent — a sign of B only
/// flips the sign of one coordinate z_j in every block at once.
/// </para>
/// <para>
/// Block b covers weights b·n … b·n + n − 1, so H on every block is one transform of the weights viewed as
/// [blocks, n], and Π_b, G_b are rows of [blocks, n] tensors. Π_b·u for every block is one gather from u repeated
/// (a view), and its transpose one scatter-add (docs/performance.md says what these cost).
/// </para>
/// <para>
/// Column j of V_b has squared norm n·‖g_b‖² exactly (H·B has orthogonal columns of norm √n, Π_b only reorders, H is
/// √n times orthogonal), so S = 1/√(Σ_b rows_b·‖g_b‖²) makes every direction p_j (column j of Pᵀ) a unit vector —
/// exactly when n divides N, in expectation where positions past N are dropped. Different directions are orthogonal only
/// approximately (their overlaps are O(1/√N) like independent Gaussian vectors'), not exactly as the dense cut's.
/// </para>
/// </remarks>
public sealed class FastfoodProjection : IDisposable
{
    private readonly Tensor _signs;       // [n] ±1 (B)
    private readonly Tensor _permutation; // [blocks, n] int64: the entry of H·B·z each position of block b takes (Π_b)
    private readonly Tensor _gaussian;    // [blocks, n] (G)

    private FastfoodProjection(int dimension, long parameters, long blockSize, Tensor signs, Tensor permutation, Tensor gaussian, double scale)
    {
        Dimension = dimension;
        Parameters = parameters;
        BlockSize = blockSize;
        _signs = signs;
        _permutation = permutation;
        _gaussian = gaussian;
        Scale = scale;
    }

    /// <summary>d.</summary>
    public int Dimension { get; }

    /// <summary>N.</summary>
    public long Parameters { get; }

    /// <summary>n = 2^⌈log₂ d⌉, the size of one block.</summary>
    public long BlockSize { get; }

    public long Blocks => _gaussian.shape[0];

    /// <summary>S.</summary>
    public double Scale { get; }

    /// <summary>Bytes this projection holds: a float32 Gaussian and an int64 index per padded weight, and n signs.</summary>
    public long Bytes => Blocks * BlockSize * (4 + 8) + BlockSize * 4;

    /// <summary>Draws B, Π and G from generators seeded by (<paramref name="seed"/>, purpose).</summary>
    public static FastfoodProjection Create(int dimension, long parameters, long seed, Device? device = null)
    {
        if (dimension < 1 || dimension > parameters)
            throw new IsthmusException($"A cut's dimension must be between 1 and the network's {parameters} parameters (got {dimension}).");
        device ??= CPU;
        long n = WalshHadamard.CeilingPowerOfTwo(dimension);
        long blocks = (parameters + n - 1) / n;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var signGenerator = new Generator((ulong)Trainer.MixSeed(seed, 1), CPU);
        using var orderGenerator = new Generator((ulong)Trainer.MixSeed(seed, 2), CPU);
        using var gaussGenerator = new Generator((ulong)Trainer.MixSeed(seed, 3), CPU);
        var signs = randint(0, 2, [n], ScalarType.Float32, generator: signGenerator).mul_(2).sub_(1);
        // Π_b: the order that sorts n uniform numbers, one independent permutation per block.
        var permutation = rand([blocks, n], ScalarType.Float32, generator: orderGenerator).argsort(1);
        var gaussian = randn([blocks, n], ScalarType.Float32, generator: gaussGenerator);
        // rows_b: the weights block b covers, n except where the last positions of the layout pass N.
        var rows = arange(blocks * n, ScalarType.Int64).lt(parameters).view(blocks, n).sum(dim: 1, type: ScalarType.Float64);
        double weighted = gaussian.to_type(ScalarType.Float64).square().sum(dim: 1).mul(rows).sum().item<double>();
        double scale = 1 / Math.Sqrt(weighted);
        return new FastfoodProjection(dimension, parameters, n, signs.to(device).DetachFromDisposeScope(),
            permutation.to(device).DetachFromDisposeScope(), gaussian.to(device).DetachFromDisposeScope(), scale);
    }

    /// <summary>Pᵀz ([N]) for coordinates <paramref name="z"/> ([d]); differentiable in z.</summary>
    public Tensor Project(Tensor z)
    {
        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(z.mul(Scale), [0, BlockSize - Dimension]);
        var u = WalshHadamard.Transform(_signs.mul(padded).unsqueeze(0)).view(-1); // S·H·B·z, once for every block
        var x = u.view(1, -1).expand(Blocks, -1).gather(1, _permutation).mul(_gaussian); // G_b·Π_b·…, [blocks, n]
        x = WalshHadamard.Transform(x).view(-1);                                           // H·…, in weight order
        return x.narrow(0, 0, Parameters).MoveToOuterDisposeScope();
    }

    /// <summary>P·g ([d]) for a weight-space vector <paramref name="g"/> ([N]): the transpose, S·B·H·Σ_b Π_bᵀ·G_b·H·g_b.</summary>
    public Tensor Transpose(Tensor g) => Transpose([g]);

    /// <summary>P·g for g given in consecutive pieces (one per parameter, in layout order), gathered into one padded vector.</summary>
    public Tensor Transpose(IReadOnlyList<Tensor> pieces)
    {
        using var scope = NewDisposeScope();
        var padded = zeros(Blocks * BlockSize, pieces[0].dtype, pieces[0].device);
        long offset = 0;
        foreach (var piece in pieces)
        {
            long numel = piece.numel();
            padded.narrow(0, offset, numel).copy_(piece.reshape(-1));
            offset += numel;
        }
        if (offset != Parameters) throw new ArgumentException($"The pieces hold {offset} numbers, not the projection's {Parameters}.");
        var x = WalshHadamard.Transform(padded.view(Blocks, BlockSize)).mul_(_gaussian);
        // Σ_b Π_bᵀ·…: a scatter-add of each of a few index rows into its own row of n, then a sum over rows — measured
        // 2.5× faster than index_add_ into the n entries at once, which serialises on the collisions. The rows' n-wide
        // sums cost rows·n, so there are fewer of them when blocks are few and long.
        long rows = ScatterRows(Blocks, BlockSize);
        var summed = zeros([rows, BlockSize], x.dtype, x.device).scatter_add_(1, _permutation.view(rows, -1), x.view(rows, -1)).sum(dim: 0);
        var y = WalshHadamard.Transform(summed.unsqueeze(0)).view(-1).mul_(_signs).mul_(Scale);
        return y.narrow(0, 0, Dimension).MoveToOuterDisposeScope();
    }

    /// <summary>Rows of the transpose's scatter: a power of two at most n (so it divides blocks·n), 32 at most, a quarter of the blocks at most.</summary>
    private static long ScatterRows(long blocks, long n)
    {
        long rows = 1;
        while (rows * 2 <= Math.Min(Math.Min(n, 32), blocks / 4)) rows *= 2;
        return rows;
    }

    public void Dispose()
    {
        _signs.Dispose();
        _permutation.Dispose();
        _gaussian.Dispose();
    }
}
