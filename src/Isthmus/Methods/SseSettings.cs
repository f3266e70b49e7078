using System.Text.Json.Serialization;
using Isthmus.Nn;

namespace Isthmus.Methods;

/// <summary>
/// Settings of <c>isthmus sse</c>: Snapshot Ensembles (Huang et al. 2017), M cosine cycles over a budget of B epochs
/// from a random initialisation. α0 = 0.1 is Huang et al.'s rate for DenseNets (0.2 for ResNets); momentum and
/// weight decay default to train's (0.9, 5e-4), and the manifest says which values came from the command line.
/// </summary>
public sealed record SseSettings : InvocationSettings
{
    public required string Data { get; init; }
    /// <summary>The architecture (not serialised: the manifest's <c>architecture</c> keeps it).</summary>
    [JsonIgnore]
    public ArchitectureSpec Model { get; init; } = new("mlp");
    public required string Out { get; init; }
    /// <summary>B, the whole budget in epochs.</summary>
    public int Budget { get; init; } = 10;
    /// <summary>M, the number of cycles and snapshots.</summary>
    public int Snapshots { get; init; } = 5;
    public double Lr0 { get; init; } = 0.1;
    public double? Momentum { get; init; }
    public double? WeightDecay { get; init; }
    public int BatchSize { get; init; } = 128;
    public long Seed { get; init; } = 1;
    public int Val { get; init; }
    public int Subset { get; init; }
    public bool Resume { get; init; }
}
