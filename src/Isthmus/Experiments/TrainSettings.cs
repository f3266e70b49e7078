using Isthmus.Nn;

namespace Isthmus.Experiments;

/// <summary>
/// Settings of one training run. Defaults follow the reference code of Garipov et al. (batch 128, momentum 0.9,
/// the standard schedule) with a rate and weight decay that train the paper's MNIST FC to its 1.46 % in 10 epochs.
/// </summary>
public sealed record TrainSettings
{
    public required string Data { get; init; }
    public required ArchitectureSpec Model { get; init; }
    public required string Out { get; init; }
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public double Lr { get; init; } = 0.05;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;
    public string Schedule { get; init; } = "standard";
    public long Seed { get; init; } = 1;
    /// <summary>Keep checkpoint-&lt;epoch&gt;.safetensors every this many epochs (0 = none).</summary>
    public int SaveEvery { get; init; }
    public int? Threads { get; init; }
    /// <summary>fp32, or bf16 autocast for the training steps (<see cref="Platform.Precision"/>).</summary>
    public string Precision { get; init; } = Platform.Precision.Fp32;
    public string Device { get; init; } = "auto";
    public string? DataRoot { get; init; }
    /// <summary>Hold out the last N training examples as the evaluation set (0 = use the test set).</summary>
    public int Val { get; init; }
    /// <summary>Train on only the first N training examples (0 = all).</summary>
    public int Subset { get; init; }
    public bool Force { get; init; }
    public bool Resume { get; init; }
    /// <summary>The command line as typed, for the manifest.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];
}
