namespace Isthmus.Space;

/// <summary>
/// The weights of ensemble members seen one after another: the distance ‖w_k − w_{k−1}‖ over all parameters between
/// consecutive members (docs/science.md §4: ~7 between FGE members vs ~40 for SSE) and their running mean — the SWA-style
/// average a user would try next. Holds two copies of the weights (the previous member and a
/// float64 sum), never one per member.
/// </summary>
public sealed class WeightTrajectory : IDisposable
{
    private List<Tensor>? _previous;
    private List<Tensor>? _sum;
    private readonly List<double> _steps = new();

    /// <summary>Members added.</summary>
    public int Count { get; private set; }

    /// <summary>‖w_k − w_{k−1}‖ for k = 2..<see cref="Count"/>.</summary>
    public IReadOnlyList<double> Steps => _steps;

    /// <summary>Adds one member's parameters (in layout order) and returns its distance from the previous one (null for the first).</summary>
    public double? Add(IReadOnlyList<Tensor> weights)
    {
        using var _ = no_grad();
        double? step = null;
        if (_previous is not null)
        {
            if (_previous.Count != weights.Count) throw new ArgumentException($"Expected {_previous.Count} parameter tensors, got {weights.Count}.");
            using var scope = NewDisposeScope();
            var total = zeros(Array.Empty<long>(), ScalarType.Float64, weights[0].device);
            for (int p = 0; p < weights.Count; p++)
                total.add_(weights[p].to_type(ScalarType.Float64).sub(_previous[p].to_type(ScalarType.Float64)).square().sum());
            step = Math.Sqrt(total.item<double>());
            _steps.Add(step.Value);
            for (int p = 0; p < weights.Count; p++) _previous[p].copy_(weights[p]);
        }
        else
        {
            _previous = weights.Select(w => w.detach().clone().DetachFromDisposeScope()).ToList();
        }
        if (_sum is null) _sum = weights.Select(w => w.detach().to_type(ScalarType.Float64).clone().DetachFromDisposeScope()).ToList();
        else for (int p = 0; p < weights.Count; p++) _sum[p].add_(weights[p]);
        Count++;
        return step;
    }

    /// <summary>Writes the mean of all members' weights into control point <paramref name="k"/> of <paramref name="space"/>.</summary>
    public void WriteAverage(WeightSpace space, int k = 0)
    {
        if (_sum is null) throw new InvalidOperationException("No members were added.");
        using var scope = NewDisposeScope();
        for (int p = 0; p < _sum.Count; p++) space.SetControl(k, p, _sum[p].div(Count).to_type(ScalarType.Float32));
        space.MoveTo(space.Coefficients.ToArray());
    }

    public void Dispose()
    {
        foreach (var t in _previous ?? []) t.Dispose();
        foreach (var t in _sum ?? []) t.Dispose();
    }
}
