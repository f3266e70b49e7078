namespace Isthmus.Methods;

/// <summary>
/// Settings of <c>isthmus connect</c>: a curve between two finished <c>train</c> runs (Garipov et al. 2018, §3).
/// Architecture, data set, validation hold-out and (unless given) weight decay come from the start run. SGD knobs
/// default to <c>train</c>'s; the paper used one bend for both Bezier curves and polygonal chains (the reference
/// code's <c>--num_bends=3</c> counts the two endpoints).
/// </summary>
public sealed record ConnectSettings : SgdSettings
{
    /// <summary>The start endpoint ŵ1: a finished <c>train</c> run folder.</summary>
    public string From { get; init; } = "";
    /// <summary>The end endpoint ŵ2: a finished <c>train</c> run folder.</summary>
    public string To { get; init; } = "";
    /// <summary>The network in checkpoint files given without a run manifest (.safetensors or PyTorch .pt); with <see cref="Data"/>.</summary>
    public Nn.ArchitectureSpec? Model { get; init; }
    /// <summary>The data set of checkpoint files given without a run manifest; with <see cref="Model"/>.</summary>
    public string? Data { get; init; }
    /// <summary>bezier, polychain or segment.</summary>
    public string Curve { get; init; } = "bezier";
    /// <summary>Number of bends n; null = 1 (0 for a segment).</summary>
    public int? Bends { get; init; }
    /// <summary>linear (bends on the segment at their own t, docs/science.md §1), start, or random.</summary>
    public string Init { get; init; } = "linear";
    /// <summary>Train the start endpoint too (fixed by default).</summary>
    public bool FreeStart { get; init; }
    /// <summary>Train the end endpoint too (fixed by default).</summary>
    public bool FreeEnd { get; init; }
    /// <summary>Weight decay on the point φ(t); null = the start run's.</summary>
    public double? WeightDecay { get; init; }
    /// <summary>fp32, or bf16 autocast for the training steps (<see cref="Platform.Precision"/>).</summary>
    public string Precision { get; init; } = Platform.Precision.Fp32;

    /// <summary>n as used: <see cref="Bends"/>, or the paper's one bend (none for a segment).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int BendsOrDefault => Bends ?? (Curve == "segment" ? 0 : 1);
}
