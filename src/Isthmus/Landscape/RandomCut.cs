using Isthmus.Space;
using Isthmus.Training;

namespace Isthmus.Landscape;

/// <summary>
/// The directions of a random d-dimensional affine cut through weight space, W = W0 + Pᵀ·z (docs/science.md §5,
/// "low-dimensional cuts"; Li et al. 2018's intrinsic dimension): d fixed, unit-norm, mutually orthogonal directions
/// p_1 … p_d (the rows of P) and the d trained coordinates z.
/// </summary>
/// <remarks>
/// <para>
/// The directions are Gaussian vectors g_j orthonormalised in order (Cholesky QR: P = L⁻¹·G with L·Lᵀ = G·Gᵀ, so
/// p_j is g_j with its components along g_1 … g_{j−1} removed, then normalised — Gram–Schmidt without its rounding
/// drift). Every chunk of every g_j is drawn from its own generator, seeded by (seed, j, chunk), so:
/// the cut of dimension d′ &lt; d is spanned by the first d′ directions of the cut of dimension d (cuts are nested,
/// so a larger cut can only reach lower loss), and the two storage modes below give the same directions.
/// </para>
/// <para>
/// Dense: when d×N floats fit in <c>maxDenseBytes</c>, P is kept as one [d, N] tensor and a step costs two
/// matrix-vector products (Pᵀz for the point, P·g for the gradient). Generated: otherwise only L (d×d) is kept and
/// each step draws G again, chunk by chunk, twice — d×N Gaussian numbers per pass, so it is much slower, but memory
/// stays at one [d, chunk] block. Fastfood: a <see cref="FastfoodProjection"/> instead of Gaussian directions, for
/// large d (<see cref="CutProjections.Resolve"/>); O(N) memory and O(N log d) time per step.
/// </para>
/// </remarks>
public sealed class RandomCut : IDisposable
{
    /// <summary>Elements of one parameter drawn by one generator: fixed, so directions do not depend on d or the mode.</summary>
    public const long ChunkElements = 1 << 14;

    /// <summary>Default memory limit for dense directions: 1 GiB.</summary>
    public const long DefaultMaxDenseBytes = 1L << 30;

    private readonly ParameterLayout _layout;
    private readonly Chunk[] _chunks;
    private readonly Tensor? _dense;      // [d, N] float32, rows orthonormal (dense mode)
    private readonly Tensor? _lower;      // [d, d] float64, G·Gᵀ = L·Lᵀ (dense and generated modes)
    private readonly FastfoodProjection? _fastfood;
    private readonly Tensor _coordinateGrad;

    private readonly record struct Chunk(int Parameter, long Offset, long Length, long Flat, int Index);

    private RandomCut(ParameterLayout layout, int dimension, long seed, Device device, Chunk[] chunks, Tensor? dense, Tensor? lower, FastfoodProjection? fastfood = null)
    {
        _fastfood = fastfood;
        _layout = layout;
        Dimension = dimension;
        Seed = seed;
        Device = device;
        _chunks = chunks;
        _dense = dense;
        _lower = lower;
        Coordinates = zeros(dimension, ScalarType.Float32, device).DetachFromDisposeScope();
        Coordinates.requires_grad = true;
        _coordinateGrad = zeros(dimension, ScalarType.Float32, device).DetachFromDisposeScope();
        Coordinates.grad = _coordinateGrad;
    }

    /// <summary>d.</summary>
    public int Dimension { get; }

    public long Seed { get; }

    public Device Device { get; }

    /// <summary>N, the parameters of the network the cut lives in.</summary>
    public long Parameters => _layout.TotalElements;

    /// <summary>True when P is held in memory as a [d, N] tensor.</summary>
    public bool IsDense => _dense is not null;

    /// <summary>"dense" (P kept), "generated" (P drawn again at every step) or "fastfood" (<see cref="FastfoodProjection"/>).</summary>
    public string Projection => _fastfood is not null ? "fastfood" : IsDense ? "dense" : "generated";

    /// <summary>z, the cut's coordinates (float32 [d], starting at 0): the only tensor an optimiser updates. Its gradient is P·∂L/∂W.</summary>
    public Tensor Coordinates { get; }

    /// <summary>Bytes the dense directions of a d-dimensional cut through <paramref name="parameters"/> weights take.</summary>
    public static long DenseBytes(int dimension, long parameters) => 4L * dimension * parameters;

    /// <summary>Draws and orthonormalises the d directions of a cut through a network of <paramref name="layout"/>.</summary>
    public static RandomCut Create(ParameterLayout layout, int dimension, long seed, Device? device = null, long maxDenseBytes = DefaultMaxDenseBytes,
        CutProjection projection = CutProjection.Auto)
    {
        long n = layout.TotalElements;
        if (dimension < 1 || dimension > n)
            throw new IsthmusException($"A cut's dimension must be between 1 and the network's {n} parameters (got {dimension}).");
        device ??= CPU;
        var chunks = Chunks(layout);
        if (CutProjections.Resolve(projection, dimension, n, maxDenseBytes) == CutProjection.Fastfood)
            return new RandomCut(layout, dimension, seed, device, chunks, null, null, FastfoodProjection.Create(dimension, n, seed, device));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var gram = zeros([dimension, dimension], ScalarType.Float64, device);
        Tensor? dense = null;
        if (DenseBytes(dimension, n) <= maxDenseBytes)
        {
            dense = empty([dimension, n], ScalarType.Float32, device);
            foreach (var c in chunks) Draw(dense.narrow(1, c.Flat, c.Length), c, seed);
            foreach (var (start, length) in Blocks(dimension, n))
            {
                using var block = dense.narrow(1, start, length).to_type(ScalarType.Float64);
                gram.add_(block.mm(block.t()));
            }
        }
        else
        {
            using var block = empty([dimension, ChunkElements], ScalarType.Float32, device);
            foreach (var c in chunks)
            {
                using var g = block.narrow(1, 0, c.Length);
                Draw(g, c, seed);
                using var g64 = g.to_type(ScalarType.Float64);
                gram.add_(g64.mm(g64.t()));
            }
        }
        var lower = linalg.cholesky(gram);
        if (dense is not null)
        {
            // P = L⁻¹·G, block by block in float64, written back over G.
            foreach (var (start, length) in Blocks(dimension, n))
            {
                using var block = dense.narrow(1, start, length);
                using var g64 = block.to_type(ScalarType.Float64);
                using var p = linalg.solve_triangular(lower, g64, upper: false);
                block.copy_(p);
            }
            dense.DetachFromDisposeScope();
        }
        lower.DetachFromDisposeScope();
        return new RandomCut(layout, dimension, seed, device, chunks, dense, lower);
    }

    /// <summary>Puts z back at 0 (the anchor) with a zero gradient, to train the same cut again.</summary>
    public void Reset()
    {
        using var _ = no_grad();
        Coordinates.zero_();
        _coordinateGrad.zero_();
    }

    /// <summary>
    /// Writes the offset Pᵀ·z into <paramref name="target"/> (one tensor per parameter, in layout order), in place.
    /// </summary>
    public void WriteOffset(IReadOnlyList<Tensor> target)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        if (_fastfood is not null)
        {
            var offset = _fastfood.Project(Coordinates);
            CopyByParameter(offset, target);
            return;
        }
        if (_dense is not null)
        {
            long flat = 0;
            for (int p = 0; p < _layout.Count; p++)
            {
                long numel = _layout.Specs[p].Numel;
                target[p].view(-1).addmv_(_dense.narrow(1, flat, numel).t(), Coordinates, 0, 1);
                flat += numel;
            }
            return;
        }
        // Pᵀz = Gᵀ·(L⁻ᵀz): one small triangular solve, then G drawn again chunk by chunk.
        var y = linalg.solve_triangular(_lower!.t(), Coordinates.to_type(ScalarType.Float64).unsqueeze(1), upper: true).squeeze(1).to_type(ScalarType.Float32);
        var block = empty([Dimension, ChunkElements], ScalarType.Float32, Device);
        foreach (var c in _chunks)
        {
            var g = block.narrow(1, 0, c.Length);
            Draw(g, c, Seed);
            target[c.Parameter].view(-1).narrow(0, c.Offset, c.Length).addmv_(g.t(), y, 0, 1);
        }
    }

    /// <summary>
    /// Sets the coordinates' gradient to P·g, the chain rule for W = W0 + Pᵀz, from the point's gradient
    /// <paramref name="gradients"/> (one tensor per parameter, in layout order).
    /// </summary>
    public void PullGradient(IReadOnlyList<Tensor> gradients)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        if (_fastfood is not null)
        {
            _coordinateGrad.copy_(_fastfood.Transpose(gradients));
            return;
        }
        if (_dense is not null)
        {
            _coordinateGrad.zero_();
            long flat = 0;
            for (int p = 0; p < _layout.Count; p++)
            {
                long numel = _layout.Specs[p].Numel;
                _coordinateGrad.addmv_(_dense.narrow(1, flat, numel), gradients[p].view(-1), 1, 1);
                flat += numel;
            }
            return;
        }
        // P·g = L⁻¹·(G·g).
        var sum = zeros(Dimension, ScalarType.Float32, Device);
        var block = empty([Dimension, ChunkElements], ScalarType.Float32, Device);
        foreach (var c in _chunks)
        {
            var g = block.narrow(1, 0, c.Length);
            Draw(g, c, Seed);
            sum.addmv_(g, gradients[c.Parameter].view(-1).narrow(0, c.Offset, c.Length), 1, 1);
        }
        var solved = linalg.solve_triangular(_lower!, sum.to_type(ScalarType.Float64).unsqueeze(1), upper: false).squeeze(1);
        _coordinateGrad.copy_(solved);
    }

    /// <summary>Direction p_j as one flat float32 [N] vector (parameters in layout order), outside any dispose scope.</summary>
    public Tensor Direction(int j)
    {
        if (j < 0 || j >= Dimension) throw new ArgumentOutOfRangeException(nameof(j));
        using var _ = no_grad();
        if (_dense is not null) return _dense[j].clone().DetachFromDisposeScope();
        using var scope = NewDisposeScope();
        if (_fastfood is not null)
        {
            var unitZ = zeros(Dimension, ScalarType.Float32, Device);
            unitZ[j].fill_(1.0);
            return _fastfood.Project(unitZ).MoveToOuterDisposeScope().DetachFromDisposeScope();
        }
        // Row j of L⁻¹·G.
        var unit = zeros([Dimension, 1], ScalarType.Float64, Device);
        unit[j, 0].fill_(1.0);
        var row = linalg.solve_triangular(_lower!.t(), unit, upper: true).squeeze(1).to_type(ScalarType.Float32);
        var direction = zeros(Parameters, ScalarType.Float32, Device);
        var block = empty([Dimension, ChunkElements], ScalarType.Float32, Device);
        foreach (var c in _chunks)
        {
            var g = block.narrow(1, 0, c.Length);
            Draw(g, c, Seed);
            direction.narrow(0, c.Flat, c.Length).addmv_(g.t(), row, 0, 1);
        }
        return direction.MoveToOuterDisposeScope().DetachFromDisposeScope();
    }

    /// <summary>Copies a flat [N] vector into one tensor per parameter, in layout order.</summary>
    private void CopyByParameter(Tensor flat, IReadOnlyList<Tensor> target)
    {
        long offset = 0;
        for (int p = 0; p < _layout.Count; p++)
        {
            long numel = _layout.Specs[p].Numel;
            target[p].view(-1).copy_(flat.narrow(0, offset, numel));
            offset += numel;
        }
    }

    /// <summary>Every parameter cut into pieces of at most <see cref="ChunkElements"/>, each with its own generator.</summary>
    private static Chunk[] Chunks(ParameterLayout layout)
    {
        var chunks = new List<Chunk>();
        long flat = 0;
        for (int p = 0; p < layout.Count; p++)
        {
            long numel = layout.Specs[p].Numel;
            for (long offset = 0; offset < numel; offset += ChunkElements)
                chunks.Add(new Chunk(p, offset, Math.Min(ChunkElements, numel - offset), flat + offset, chunks.Count));
            flat += numel;
        }
        return chunks.ToArray();
    }

    /// <summary>Column ranges for the float64 passes over a dense [d, N] tensor: about 64 MB of temporary memory each.</summary>
    private static IEnumerable<(long Start, long Length)> Blocks(long d, long n)
    {
        long width = Math.Max(1024, (8L << 20) / d);
        for (long start = 0; start < n; start += width) yield return (start, Math.Min(width, n - start));
    }

    /// <summary>Fills row j of <paramref name="g"/> ([d, chunk length]) with g_j's entries in chunk <paramref name="c"/>.</summary>
    private static void Draw(Tensor g, Chunk c, long seed)
    {
        long d = g.shape[0];
        for (long j = 0; j < d; j++)
        {
            using var generator = new Generator((ulong)Trainer.MixSeed(Trainer.MixSeed(seed, j), c.Index), g.device);
            using var row = g[j];
            row.normal_(0, 1, generator);
        }
    }

    public void Dispose()
    {
        _dense?.Dispose();
        _lower?.Dispose();
        _fastfood?.Dispose();
        Coordinates.Dispose();
        _coordinateGrad.Dispose();
    }
}
