using Isthmus.Nn;

namespace Isthmus.Methods;

/// <summary>
/// Settings of one training run. Defaults follow the reference code of Garipov et al. (batch 128, momentum 0.9,
/// the standard schedule) with a rate and weight decay that train the paper's MNIST FC to its 1.46 % in 10 epochs.
/// </summary>
public sealed record TrainSettings : SgdSettings
{
    public required string Data { get; init; }
    public required ArchitectureSpec Model { get; init; }
    public double WeightDecay { get; init; } = Runs.BareCheckpoints.DefaultWeightDecay;
    /// <summary>fp32, or bf16 autocast for the training steps (<see cref="Platform.Precision"/>).</summary>
    public string Precision { get; init; } = Platform.Precision.Fp32;
    /// <summary>Hold out the last N training examples as the evaluation set (0 = use the test set).</summary>
    public int Val { get; init; }
    /// <summary>Train on only the first N training examples (0 = all).</summary>
    public int Subset { get; init; }
}
