namespace Isthmus.Methods;

/// <summary>
/// The SGD knobs of every command that trains a weight space into a run folder it can resume (<c>train</c>,
/// <c>connect</c>, <c>connect-set</c>), with train's defaults (<see cref="TrainSettings"/>). Weight decay is each
/// command's own: a value for <c>train</c>, "the start run's unless given" for the others.
/// </summary>
public abstract record SgdSettings : InvocationSettings
{
    public required string Out { get; init; }
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public double Lr { get; init; } = 0.05;
    public double Momentum { get; init; } = 0.9;
    public string Schedule { get; init; } = "standard";
    public long Seed { get; init; } = 1;
    /// <summary>Clip each step's gradient to this Euclidean norm (<see cref="Training.GradientClipping"/>; 0 = no clipping).</summary>
    public double Clip { get; init; }
    /// <summary>Keep checkpoint-&lt;epoch&gt;.safetensors (for a curve or a set: every control point) every this many epochs (0 = none).</summary>
    public int SaveEvery { get; init; }
    public bool Resume { get; init; }

    /// <summary>These knobs with <paramref name="weightDecay"/>, as the manifest records and the trainer uses them.</summary>
    public SgdHyperparameters Hyperparameters(double weightDecay, int? epochs = null) =>
        new(epochs ?? Epochs, BatchSize, Lr, Momentum, weightDecay, Schedule, Seed, SaveEvery, Clip);
}
