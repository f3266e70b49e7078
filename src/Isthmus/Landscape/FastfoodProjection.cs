using Isthmus.Training;

namespace Isthmus.Landscape;

/// <summary>
/// A structured random map Pᵀ: ℝ^d → ℝ^N in O(N log d) time and O(N) memory whatever d — the Fastfood transform
/// (Le et al. 2013, eq. 7) as Li et al. (2018, §2 and Appendix) use it for random subspaces of large networks
/// (docs/science.md §5, "structured cuts"). z is padded with zeros to n = 2^⌈log₂ d⌉ and every block b of n weights
/// is V_b·z with V_b = S·H·G_b·Π_b·H·B_b: B_b random signs, H the Walsh–Hadamard matrix, Π_b a random permutation,
/// G_b a Gaussian diagonal, S one scale; the blocks are concatenated and the last one truncated to cover N.
/// </summary>
/// <remarks>
/// Column j of V_b has squared norm n·‖g_b‖² exactly (H·B_b has orthogonal columns of norm √n, Π_b and a second H
/// only reorder and rotate), so S = 1/√(Σ_b rows_b·‖g_b‖²) makes every direction p_j (column j of Pᵀ) a unit vector —
/// exactly when n divides N, in expectation in the truncated last block. Different directions are orthogonal only
/// approximately (their overlaps are O(1/√N) like independent Gaussian vectors'), not exactly as the dense cut's.
/// </remarks>
public sealed class FastfoodProjection : IDisposable
{
    private readonly Tensor _signs;       // [blocks, n] ±1 (B)
    private readonly Tensor _permutation; // [blocks·n] flat source index of each position after Π
    private readonly Tensor _inverse;     // [blocks·n] Π⁻¹ = Πᵀ
    private readonly Tensor _gaussian;    // [blocks, n] (G)

    private FastfoodProjection(int dimension, long parameters, long blockSize, Tensor signs, Tensor permutation, Tensor inverse, Tensor gaussian, double scale)
    {
        Dimension = dimension;
        Parameters = parameters;
        BlockSize = blockSize;
        _signs = signs;
        _permutation = permutation;
        _inverse = inverse;
        _gaussian = gaussian;
        Scale = scale;
    }

    /// <summary>d.</summary>
    public int Dimension { get; }

    /// <summary>N.</summary>
    public long Parameters { get; }

    /// <summary>n = 2^⌈log₂ d⌉, the size of one block.</summary>
    public long BlockSize { get; }

    public long Blocks => _signs.shape[0];

    /// <summary>S.</summary>
    public double Scale { get; }

    /// <summary>Bytes this projection holds: two float32 and two int64 numbers per padded weight.</summary>
    public long Bytes => Blocks * BlockSize * (4 + 4 + 8 + 8);

    /// <summary>Draws B, Π and G for every block from generators seeded by (<paramref name="seed"/>, purpose).</summary>
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
        var signs = randint(0, 2, [blocks, n], ScalarType.Float32, generator: signGenerator).mul_(2).sub_(1);
        // Π_b: the order that sorts n uniform numbers, one independent permutation per block.
        var order = rand([blocks, n], ScalarType.Float32, generator: orderGenerator).argsort(1);
        var permutation = order.add(arange(blocks, ScalarType.Int64).mul_(n).unsqueeze(1)).view(-1);
        var inverse = empty_like(permutation).index_put_(arange(blocks * n, ScalarType.Int64), permutation);
        var gaussian = randn([blocks, n], ScalarType.Float32, generator: gaussGenerator);
        // rows_b = n except in the last block, which keeps N − (blocks − 1)·n rows.
        using var squares = gaussian.to_type(ScalarType.Float64).square().sum(dim: 1);
        long lastRows = parameters - (blocks - 1) * n;
        double weighted = n * squares.sum().item<double>() - (n - lastRows) * squares[blocks - 1].item<double>();
        double scale = 1 / Math.Sqrt(weighted);
        var result = new FastfoodProjection(dimension, parameters, n,
            signs.to(device).DetachFromDisposeScope(), permutation.to(device).DetachFromDisposeScope(),
            inverse.to(device).DetachFromDisposeScope(), gaussian.to(device).DetachFromDisposeScope(), scale);
        return result;
    }

    /// <summary>Pᵀz ([N]) for coordinates <paramref name="z"/> ([d]); differentiable in z.</summary>
    public Tensor Project(Tensor z)
    {
        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(z, [0, BlockSize - Dimension]);
        var x = WalshHadamard.Transform(_signs.mul(padded.unsqueeze(0)));                    // H·B_b·z
        x = x.view(-1).index_select(0, _permutation).view(Blocks, BlockSize).mul(_gaussian); // G_b·Π_b·…
        x = WalshHadamard.Transform(x);                                                      // H·…
        return x.view(-1).narrow(0, 0, Parameters).mul(Scale).MoveToOuterDisposeScope();
    }

    /// <summary>P·g ([d]) for a weight-space vector <paramref name="g"/> ([N]): the transpose, Σ_b B_b·H·Π_bᵀ·G_b·H·S·g_b.</summary>
    public Tensor Transpose(Tensor g)
    {
        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(g.mul(Scale), [0, Blocks * BlockSize - Parameters]).view(Blocks, BlockSize);
        var x = WalshHadamard.Transform(padded).mul(_gaussian);
        x = x.view(-1).index_select(0, _inverse).view(Blocks, BlockSize);
        x = WalshHadamard.Transform(x).mul(_signs).sum(dim: 0);
        return x.narrow(0, 0, Dimension).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _signs.Dispose();
        _permutation.Dispose();
        _inverse.Dispose();
        _gaussian.Dispose();
    }
}
