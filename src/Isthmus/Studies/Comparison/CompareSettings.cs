using System.Text.Json.Serialization;
using Isthmus.Methods;
using Isthmus.Nn;

namespace Isthmus.Studies;

/// <summary>
/// Settings of <c>isthmus compare</c>: Ind, SSE and FGE at budgets kB (Garipov et al. 2018, §5, Table 1; docs/science.md §4).
/// Defaults: Ind as <c>train</c> (rate 0.05, the standard schedule), FGE from 80 % of B with the paper's ResNet rates
/// α1 = 5e-2, α2 = 5e-4, SSE as <c>sse</c> (α0 = 0.1, M = 5); momentum, weight decay and batch size shared by all three.
/// </summary>
public sealed record CompareSettings : InvocationSettings
{
    public required string Data { get; init; }
    /// <summary>The architecture (not serialised: the manifest's <c>architecture</c> keeps it).</summary>
    [JsonIgnore]
    public ArchitectureSpec Model { get; init; } = new("mlp");
    public required string Out { get; init; }
    /// <summary>B, the epochs of one single model.</summary>
    public int Budget { get; init; } = 10;
    /// <summary>The budgets kB compared, as multiples k of B.</summary>
    public IReadOnlyList<int> Ks { get; init; } = [1, 2];
    /// <summary>Replicates: each seed repeats the whole comparison; results are mean ± std over them.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [1];
    /// <summary><see cref="ComparePlan.Paper"/> (k runs of B per method, Table 1) or <see cref="ComparePlan.OneRun"/> (one run stretched to kB).</summary>
    public string Protocol { get; init; } = ComparePlan.Paper;
    /// <summary>Ind: the base rate of the standard schedule.</summary>
    public double Lr { get; init; } = 0.05;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;
    public int BatchSize { get; init; } = 128;
    /// <summary>FGE starts from the standard run's checkpoint at this fraction of B (A.9: about 80 %).</summary>
    public double FgeStart { get; init; } = 0.8;
    /// <summary>FGE cycle in epochs; null = a quarter of the FGE part of one run, i.e. four members per run.</summary>
    public double? FgeCycle { get; init; }
    public double FgeLr1 { get; init; } = 5e-2;
    public double FgeLr2 { get; init; } = 5e-4;
    /// <summary>M, cosine cycles (and snapshots) per SSE run of B epochs.</summary>
    public int SseSnapshots { get; init; } = 5;
    public double SseLr0 { get; init; } = 0.1;
    /// <summary>Points per cycle at which the first FGE run is also scored, for Figure 3 left (0 = members only).</summary>
    public int TrajectoryPoints { get; init; } = 8;
    /// <summary>Train on only the first N training examples (0 = all); the test set is always whole.</summary>
    public int Subset { get; init; }
    /// <summary>Another comparison's folder: its finished runs that are exactly what this one would train are copied, not retrained.</summary>
    public string? ReuseFrom { get; init; }
    public bool Resume { get; init; }
}
