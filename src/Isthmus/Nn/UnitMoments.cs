namespace Isthmus.Nn;

/// <summary>
/// Running first and second moments of the hidden units of one layer, over examples and, for a convolution, over
/// positions too (each position is a sample of its channel): per-unit mean and standard deviation, as REPAIR needs
/// (Jordan et al. 2022, §4), and with <see cref="CrossMoments"/> the correlations activation matching needs. Kept in
/// float64 on the CPU, so that sums over a whole training split stay exact enough.
/// </summary>
public sealed class UnitMoments : IDisposable
{
    private readonly Tensor _sum, _squares;

    public UnitMoments(long units)
    {
        Units = units;
        _sum = zeros(units, ScalarType.Float64).DetachFromDisposeScope();
        _squares = zeros(units, ScalarType.Float64).DetachFromDisposeScope();
    }

    public long Units { get; }
    public long Count { get; private set; }

    /// <summary>A layer's output as samples of its units: [B, C] as it is, [B, C, …] as [B·…, C]; float64, a copy.</summary>
    public static Tensor Samples(Tensor output) =>
        (output.dim() == 2 ? output : output.movedim([1L], [-1L]).reshape(-1, output.shape[1])).to_type(ScalarType.Float64, copy: true).cpu();

    /// <summary>Adds samples [N, units] (from <see cref="Samples"/>).</summary>
    public void Add(Tensor samples)
    {
        using var _ = no_grad();
        _sum.add_(samples.sum(0L)); // 0L: a literal 0 would bind to sum(ScalarType)
        _squares.add_(samples.square().sum(0L));
        Count += samples.shape[0];
    }

    /// <summary>Per-unit mean, [units].</summary>
    public Tensor Mean() => _sum / Count;

    /// <summary>Per-unit standard deviation √(Var + ε), [units], with batch norm's ε = 1e-5 so that dead units stay finite.</summary>
    public Tensor Std() => (_squares / Count - (_sum / Count).square()).clamp_min(0).add(1e-5).sqrt();

    public void Dispose()
    {
        _sum.Dispose();
        _squares.Dispose();
    }
}

/// <summary>The moments of the same layer's units in two networks fed the same examples, and their cross-products.</summary>
public sealed class CrossMoments(long units) : IDisposable
{
    private readonly Tensor _products = zeros([units, units], ScalarType.Float64).DetachFromDisposeScope();

    public UnitMoments A { get; } = new(units);
    public UnitMoments B { get; } = new(units);

    /// <summary>Adds samples of both networks' units, row n of each from the same example (and position).</summary>
    public void Add(Tensor a, Tensor b)
    {
        using var _ = no_grad();
        A.Add(a);
        B.Add(b);
        _products.add_(a.t().matmul(b));
    }

    /// <summary>corr[i, j] between unit i of A and unit j of B, as a score matrix.</summary>
    public double[,] Correlation()
    {
        using var scope = NewDisposeScope();
        var muA = A.Mean();
        var muB = B.Mean();
        var cov = _products / A.Count - muA.unsqueeze(1) * muB.unsqueeze(0);
        var corr = cov / (A.Std().unsqueeze(1) * B.Std().unsqueeze(0));
        int n = (int)A.Units;
        var values = corr.contiguous().data<double>().ToArray();
        var scores = new double[n, n];
        System.Buffer.BlockCopy(values, 0, scores, 0, values.Length * sizeof(double));
        return scores;
    }

    public void Dispose()
    {
        _products.Dispose();
        A.Dispose();
        B.Dispose();
    }
}
