namespace Isthmus.Experiments;

/// <summary>
/// Settings of <c>isthmus connect-set</c>: N finished <c>train</c> runs (the modes, fixed) joined by M trainable
/// connectors into one simplicial complex (SCIENCE §5). Architecture, data set, hold-out and (unless given) weight
/// decay come from the first mode; SGD knobs default to <c>connect</c>'s.
/// </summary>
public sealed record ConnectSetSettings
{
    /// <summary>The modes: two or more finished <c>train</c> run folders of one architecture and data set.</summary>
    public IReadOnlyList<string> Modes { get; init; } = [];
    public required string Out { get; init; }
    /// <summary>star or complex (<see cref="Space.SetShape"/>).</summary>
    public string Shape { get; init; } = "star";
    /// <summary>M, the trainable connectors (1 ≤ M ≤ N).</summary>
    public int Connectors { get; init; } = 1;
    /// <summary>edges or volume: what the probability of drawing a simplex is proportional to.</summary>
    public string SampleBy { get; init; } = "edges";
    /// <summary>λ of the volume term −λ·log Vol of the sampled simplex (0 = none; Benton et al. 2021).</summary>
    public double VolumeWeight { get; init; }
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public double Lr { get; init; } = 0.05;
    public double Momentum { get; init; } = 0.9;
    /// <summary>Weight decay on the sampled point; null = the first mode's.</summary>
    public double? WeightDecay { get; init; }
    public string Schedule { get; init; } = "standard";
    public long Seed { get; init; } = 1;
    /// <summary>Keep checkpoint-&lt;epoch&gt;.safetensors (every control point) every this many epochs (0 = none).</summary>
    public int SaveEvery { get; init; }
    public int? Threads { get; init; }
    public string Device { get; init; } = "auto";
    public string? DataRoot { get; init; }
    public bool Force { get; init; }
    public bool Resume { get; init; }
    /// <summary>The command line as typed, for the manifest.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];
}
