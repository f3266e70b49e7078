namespace Isthmus.Methods;

/// <summary>
/// Settings of <c>isthmus connect-set</c>: N finished <c>train</c> runs (the modes, fixed) joined by M trainable
/// connectors into one simplicial complex (docs/science.md §5). Architecture, data set, hold-out and (unless given) weight
/// decay come from the first mode; SGD knobs default to <c>connect</c>'s.
/// </summary>
public sealed record ConnectSetSettings : SgdSettings
{
    /// <summary>The modes: two or more finished <c>train</c> run folders of one architecture and data set.</summary>
    public IReadOnlyList<string> Modes { get; init; } = [];
    /// <summary>The network in checkpoint files given without a run manifest (.safetensors or PyTorch .pt); with <see cref="Data"/>.</summary>
    public Nn.ArchitectureSpec? Model { get; init; }
    /// <summary>The data set of checkpoint files given without a run manifest; with <see cref="Model"/>.</summary>
    public string? Data { get; init; }
    /// <summary>star or complex (<see cref="Space.SetShape"/>).</summary>
    public string Shape { get; init; } = "star";
    /// <summary>M, the trainable connectors (1 ≤ M ≤ N).</summary>
    public int Connectors { get; init; } = 1;
    /// <summary>edges or volume: what the probability of drawing a simplex is proportional to.</summary>
    public string SampleBy { get; init; } = "edges";
    /// <summary>λ of the volume term −λ·log Vol of the sampled simplex (0 = none; Benton et al. 2021).</summary>
    public double VolumeWeight { get; init; }
    /// <summary>Weight decay on the sampled point; null = the first mode's.</summary>
    public double? WeightDecay { get; init; }
}
