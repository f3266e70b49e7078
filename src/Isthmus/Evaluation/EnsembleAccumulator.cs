namespace Isthmus.Evaluation;

/// <summary>The ensemble of the first k members: its error (%) and NLL (Figure 3 right).</summary>
public sealed record FirstK(int K, double Error, double Nll);

/// <summary>
/// An ensemble built one member at a time: the prediction is the mean of the members' softmax outputs (docs/science.md §4, §6).
/// Memory stays at one [N, C] running sum (kept as log Σ_k p_k in float64, so that NLL stays exact when a
/// probability underflows) plus each member's top-1 labels (int64 [N]) — never every member's probabilities.
/// The error and NLL of the first k members are recorded as each member arrives, and pairwise disagreement against
/// every earlier member.
/// </summary>
public sealed class EnsembleAccumulator : IDisposable
{
    private readonly Tensor _labels;
    private readonly List<Tensor> _top1 = new();
    private readonly List<FirstK> _firstK = new();
    private Tensor? _logSum;
    private double _disagreementSum;
    private long _pairs;

    /// <param name="labels">The evaluation split's labels, int64 [N]; copied.</param>
    public EnsembleAccumulator(Tensor labels)
    {
        _labels = labels.to_type(ScalarType.Int64).detach().clone().DetachFromDisposeScope();
    }

    /// <summary>Members added so far.</summary>
    public int Count => _top1.Count;

    /// <summary>Error and NLL of the ensemble of the first k members, for k = 1..<see cref="Count"/>.</summary>
    public IReadOnlyList<FirstK> FirstK => _firstK;

    /// <summary>Mean over pairs of members of the fraction of examples whose top-1 labels differ (0 with one member).</summary>
    public double Disagreement => _pairs == 0 ? 0 : _disagreementSum / _pairs;

    /// <summary>Adds a member's probabilities [N, C] (softmax outputs).</summary>
    public EnsembleScore AddProbabilities(Tensor probabilities)
    {
        using var scope = NewDisposeScope();
        return Add(probabilities.to_type(ScalarType.Float64).log());
    }

    /// <summary>
    /// Adds a member's log-probabilities [N, C] (log-softmax of its logits, divided by its temperature when scaled)
    /// and returns the member's own score.
    /// </summary>
    public EnsembleScore Add(Tensor logProbabilities)
    {
        if (logProbabilities.dim() != 2 || logProbabilities.shape[0] != _labels.shape[0])
            throw new ArgumentException($"Expected log-probabilities [{_labels.shape[0]}, C], got [{string.Join(", ", logProbabilities.shape)}].");
        if (_logSum is not null && logProbabilities.shape[1] != _logSum.shape[1])
            throw new ArgumentException($"Member {Count + 1} has {logProbabilities.shape[1]} classes, the ensemble {_logSum.shape[1]}.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var lp = logProbabilities.to_type(ScalarType.Float64).to(_labels.device);
        var top1 = lp.argmax(1);
        foreach (var earlier in _top1)
        {
            _disagreementSum += EnsembleMetrics.Disagreement(earlier, top1);
            _pairs++;
        }
        _top1.Add(top1.DetachFromDisposeScope());
        var next = _logSum is null ? lp.clone() : logaddexp(_logSum, lp);
        _logSum?.Dispose();
        _logSum = next.DetachFromDisposeScope();
        var mean = _logSum - Math.Log(Count);
        _firstK.Add(new FirstK(Count, EnsembleMetrics.Error(mean, _labels), EnsembleMetrics.Nll(mean, _labels)));
        return EnsembleMetrics.Score(lp, _labels);
    }

    /// <summary>Error, NLL, ECE and Brier score of the mean of all members' probabilities.</summary>
    public EnsembleScore Score()
    {
        if (_logSum is null) throw new InvalidOperationException("The ensemble has no members yet.");
        using var scope = NewDisposeScope();
        return EnsembleMetrics.Score(_logSum - Math.Log(Count), _labels);
    }

    public void Dispose()
    {
        _labels.Dispose();
        _logSum?.Dispose();
        foreach (var t in _top1) t.Dispose();
        _top1.Clear();
    }
}
