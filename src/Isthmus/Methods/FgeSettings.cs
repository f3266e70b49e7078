using System.Text.Json.Serialization;
using Isthmus.Nn;

namespace Isthmus.Methods;

/// <summary>
/// Settings of <c>isthmus fge</c> (Garipov et al. 2018, §5, Algorithm 1; A.9). Defaults: the paper's cycle of 2 epochs
/// and its ResNet/WRN rates α1 = 5e-2, α2 = 5e-4. Momentum, weight decay and batch size are taken from the command
/// line, else from the run being continued, else train's defaults — and the manifest says which.
/// </summary>
public sealed record FgeSettings : InvocationSettings
{
    /// <summary>A <c>train</c> run folder, or a safetensors file of a network trained elsewhere (then <see cref="Data"/> and <see cref="Model"/> are needed).</summary>
    public string From { get; init; } = "";
    /// <summary>With a run folder: start from its <c>checkpoint-&lt;E&gt;.safetensors</c>; null or its epoch count = its final model.</summary>
    public int? StartEpoch { get; init; }
    /// <summary>With a safetensors file: the data set it was trained on.</summary>
    public string? Data { get; init; }
    /// <summary>With a safetensors file: its architecture (not serialised: the manifest's <c>architecture</c> keeps it).</summary>
    [JsonIgnore]
    public ArchitectureSpec? Model { get; init; }
    public required string Out { get; init; }
    /// <summary>Epochs of the cyclic schedule (the paper: 22 on CIFAR; 4 keeps a CPU check on MNIST short).</summary>
    public int Epochs { get; init; } = 4;
    /// <summary>Cycle length in epochs, may be fractional; rounded to an even number of iterations.</summary>
    public double Cycle { get; init; } = 2;
    public double Lr1 { get; init; } = 5e-2;
    public double Lr2 { get; init; } = 5e-4;
    public double? Momentum { get; init; }
    public double? WeightDecay { get; init; }
    public int? BatchSize { get; init; }
    /// <summary>Batch order and dropout of the FGE epochs.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>
    /// Also keep the weights this many times per cycle (every ⌊c/N⌋ iterations) and score them after training, so that
    /// trajectory.csv traces the test error and the distance from ŵ within each cycle (Figure 3 left); 0 = members only.
    /// </summary>
    public int TrajectoryPoints { get; init; }
    /// <summary>With a safetensors file: hold out the last N training examples as the evaluation set.</summary>
    public int Val { get; init; }
    /// <summary>With a safetensors file: train on only the first N training examples.</summary>
    public int Subset { get; init; }
    public bool Resume { get; init; }
}
