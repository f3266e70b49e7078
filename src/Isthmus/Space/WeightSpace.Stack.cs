
namespace Isthmus.Space;

/// <summary>
/// Stacked points (inference only): P points side by side as the rows of one [P, N] buffer, with per-parameter
/// [P, *shape] views, so that layers evaluate several grid points in one pass over the data.
/// </summary>
public sealed partial class WeightSpace
{
    private Tensor? _stackFlat;   // [capacity, N]
    private Tensor[]? _controlStacks;   // [p] views [K, *shape] of every control point's tensor of parameter p
    private Tensor[]? _stack;     // [p] views [P, *shape] of the first P rows

    /// <summary>
    /// How many points are stacked for a batched forward pass (<see cref="MoveToStack"/>); 0 when layers read the one
    /// point (<see cref="Point"/>), which is the normal state and the only one training knows.
    /// </summary>
    public int Stacked { get; private set; }

    /// <summary>
    /// Stacks the points Σ_k c_k·θ_k for every coefficient vector of <paramref name="points"/> (inference only): layers
    /// that can evaluate them together read <see cref="StackedPoint"/>. Each row is formed by exactly the combination
    /// <see cref="MoveTo"/> uses, so a stacked point's weights are bitwise those of the same point alone.
    /// <see cref="MoveTo"/> returns to one point.
    /// </summary>
    public void MoveToStack(IReadOnlyList<IReadOnlyList<double>> points)
    {
        if (ControlPointCount == 1) throw new InvalidOperationException("A one-control-point space has only one point to stack.");
        if (points.Count < 1) throw new ArgumentException("Stack at least one point.", nameof(points));
        int p = points.Count;
        using var _ = no_grad();
        if (_stackFlat is null || _stackFlat.shape[0] < p)
        {
            DisposeStack();
            // Rows padded to 64 bytes, so that each starts aligned as the one point's buffer does and the product
            // takes the same code path (bitwise-equal weights).
            long stride = (Layout.TotalElements + 15) / 16 * 16;
            _stackFlat = zeros([p, stride], ScalarType.Float32, Device).DetachFromDisposeScope();
        }
        if (_stack is null || _stack[0].shape[0] != p)
        {
            if (_stack is not null) foreach (var v in _stack) v.Dispose();
            _stack = new Tensor[Layout.Count];
            using var rows = _stackFlat.narrow(0, 0, p);
            long offset = 0;
            for (int i = 0; i < Layout.Count; i++)
            {
                var spec = Layout.Specs[i];
                using var block = rows.narrow(1, offset, spec.Numel);
                _stack[i] = block.view([p, .. spec.Shape]).DetachFromDisposeScope();
                offset += spec.Numel;
            }
        }
        for (int q = 0; q < p; q++)
        {
            CheckCount(points[q]);
            using var padded = _stackFlat[q];
            using var row = padded.narrow(0, 0, Layout.TotalElements);
            Combine(row, points[q]);
        }
        StackedCoefficientRows = points.Select(c => c.ToArray()).ToArray();
        Stacked = p;
    }

    /// <summary>The coefficients of the stacked points, one array of K per point (see <see cref="MoveToStack"/>).</summary>
    public IReadOnlyList<double[]> StackedCoefficientRows { get; private set; } = [];

    /// <summary>
    /// Parameter <paramref name="index"/> of every control point, [K, *shape] (a view; K &gt; 1 only). A layer whose output
    /// is linear in this parameter and whose input all stacked points share (the network's first layer) can compute it
    /// once per control point and combine the K results with <see cref="StackedCoefficientRows"/>: K products instead of P.
    /// </summary>
    public Tensor ControlStack(int index)
    {
        if (ControlPointCount == 1) throw new InvalidOperationException("A one-control-point space has no control stack.");
        if (_controlStacks is null)
        {
            _controlStacks = new Tensor[Layout.Count];
            long offset = 0;
            for (int i = 0; i < Layout.Count; i++)
            {
                var spec = Layout.Specs[i];
                using var block = _controlFlat!.narrow(1, offset, spec.Numel);
                _controlStacks[i] = block.view([ControlPointCount, .. spec.Shape]).DetachFromDisposeScope();
                offset += spec.Numel;
            }
        }
        return _controlStacks[index];
    }

    /// <summary>Parameter <paramref name="index"/> at every stacked point: [P, *shape] (see <see cref="MoveToStack"/>).</summary>
    public Tensor StackedPoint(int index) =>
        Stacked > 0 ? _stack![index] : throw new InvalidOperationException("No points are stacked; call MoveToStack first.");

    /// <summary>‖W‖² of stacked point <paramref name="q"/> (a 0-d tensor), summed exactly as <see cref="SquaredNorm"/> sums one point.</summary>
    public Tensor StackedSquaredNorm(int q)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Tensor total = zeros(Array.Empty<long>(), ScalarType.Float32, Device);
        foreach (var w in _stack!) total.add_(w[q].square().sum());
        return total.MoveToOuterDisposeScope();
    }

    private void DisposeStack()
    {
        if (_stack is not null) foreach (var v in _stack) v.Dispose();
        _stack = null;
        _stackFlat?.Dispose();
        _stackFlat = null;
        Stacked = 0;
    }
}
