using Isthmus.Evaluation;

namespace Isthmus.Methods;

/// <summary>How <see cref="EnsembleRecipe.Evaluate"/> treats its members.</summary>
public sealed record EnsembleOptions
{
    /// <summary>Fit one temperature per member (and for the average) on held-out data (Guo et al. 2017).</summary>
    public bool TemperatureScale { get; init; }

    /// <summary>Held-out examples for the temperature when the members were trained without <c>--val</c>.</summary>
    public int HeldOut { get; init; } = EnsembleData.DefaultHeldOut;

    /// <summary>Batches (of 1000) for batch-norm recomputation per member; null = the whole training split.</summary>
    public int? BatchNormBatches { get; init; }

    /// <summary>Also evaluate the SWA-style average of the members' weights (batch norm recomputed).</summary>
    public bool Average { get; init; } = true;

    /// <summary>
    /// Sub-ensembles to score beside the whole, by name: member indices (0-based). E.g. <c>endpoints → [0, P−1]</c>
    /// for a curve ensemble. Each member is still evaluated only once.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> Compare { get; init; } = new Dictionary<string, IReadOnlyList<int>>();

    /// <summary>
    /// Sees each member right after it is scored: its index, its weights (one tensor per parameter, in layout order),
    /// and its log-probabilities on the evaluation split (float64 [N, C]); both are disposed or reused afterwards: clone
    /// what you keep. For studies that need more of every member than the ensemble keeps (<c>study diversity</c>).
    /// </summary>
    public Action<int, IReadOnlyList<TorchSharp.torch.Tensor>, TorchSharp.torch.Tensor>? MemberEvaluated { get; init; }

    /// <summary>
    /// The most points of one curve scored in one pass where the network can stack them (<see cref="PointEvaluator.PointsPerPass"/>);
    /// 1 scores every member alone.
    /// </summary>
    public int PointsPerPass { get; init; } = PointEvaluator.DefaultPointsPerPass;
}

/// <summary>
/// One member as evaluated: where it came from (<c>Source</c>), its own logits' error and NLL (<c>Score</c>, with its
/// temperature when scaling), and the probabilities it contributed to the ensemble, scored (<c>Own</c>: temperature
/// applied when scaling).
/// </summary>
public sealed record MemberResult(string Source, MemberScore Score, EnsembleScore Own);

/// <summary>Progress over the members (and the average, last), reported after each.</summary>
public sealed record EnsembleProgress(int Done, int Total, string Member, MemberScore Last, double Seconds);

/// <summary>Everything <c>ensemble.json</c> reports (docs/science.md §6).</summary>
public sealed class EnsembleEvaluation
{
    public required IReadOnlyList<MemberResult> Members { get; init; }

    /// <summary>The mean of all members' softmax outputs, scored.</summary>
    public required EnsembleScore Ensemble { get; init; }

    /// <summary>Mean pairwise fraction of test examples whose top-1 labels differ.</summary>
    public required double Disagreement { get; init; }

    /// <summary>‖w_k − w_{k−1}‖ between consecutive members.</summary>
    public required IReadOnlyList<double> Distances { get; init; }

    /// <summary>Error and NLL of the ensemble of the first k members, k = 1..K (Figure 3 right).</summary>
    public required IReadOnlyList<FirstK> FirstK { get; init; }

    /// <summary>The SWA-style average of the members' weights, batch norm recomputed; null when not asked for.</summary>
    public MemberScore? Average { get; init; }

    /// <summary>The sub-ensembles of <see cref="EnsembleOptions.Compare"/>, scored.</summary>
    public required IReadOnlyDictionary<string, EnsembleScore> Compared { get; init; }

    /// <summary>Where temperatures were fitted; null without temperature scaling.</summary>
    public HeldOutSplit? TemperatureScaling { get; init; }

    /// <summary>True when the members have batch norm, whose statistics were then recomputed for each.</summary>
    public required bool BatchNormRecomputed { get; init; }

    /// <summary>Test examples scored.</summary>
    public required long Examples { get; init; }

    public double MeanMemberError => Members.Average(m => m.Score.Error);

    /// <summary>Mean member NLL of the probabilities that entered the ensemble (temperature-scaled when scaling).</summary>
    public double MeanMemberNll => Members.Average(m => m.Own.Nll);
}
