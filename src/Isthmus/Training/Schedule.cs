namespace Isthmus.Training;

/// <summary>Where training is when a learning rate is asked for.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Batch">0-based minibatch within the epoch.</param>
/// <param name="BatchesPerEpoch">Minibatches per epoch.</param>
/// <param name="Epochs">Total epochs of the run.</param>
public readonly record struct TrainingClock(int Epoch, int Batch, int BatchesPerEpoch, int Epochs)
{
    /// <summary>0-based iteration counted from the start of the run.</summary>
    public long Iteration => (long)Epoch * BatchesPerEpoch + Batch;

    /// <summary>Iterations in the whole run.</summary>
    public long TotalIterations => (long)Epochs * BatchesPerEpoch;
}

/// <summary>A learning-rate schedule.</summary>
public interface ISchedule
{
    /// <summary>The rate to use for the minibatch at <paramref name="clock"/>.</summary>
    double Rate(TrainingClock clock);

    /// <summary>Name written to manifests.</summary>
    string Name { get; }
}

/// <summary>A fixed rate.</summary>
public sealed record ConstantSchedule(double BaseRate) : ISchedule
{
    public string Name => "constant";
    public double Rate(TrainingClock clock) => BaseRate;
}

/// <summary>
/// The reference code's schedule for single models (docs/science.md §4), per epoch: factor 1 for the first 50 % of
/// epochs, then linear down to 0.01 at 90 %, then 0.01. The reference counts epochs from 1, so epoch e (0-based here)
/// gets α = (e + 1) / epochs: the last epoch of the full rate is the one that ends half-way.
/// </summary>
public sealed record StandardSchedule(double BaseRate) : ISchedule
{
    public string Name => "standard";

    public double Rate(TrainingClock clock) => BaseRate * Factor(clock.Epoch + 1, clock.Epochs);

    /// <summary>The rate factor of 1-based epoch <paramref name="epoch"/> of <paramref name="epochs"/>.</summary>
    public static double Factor(int epoch, int epochs)
    {
        double alpha = (double)epoch / epochs;
        if (alpha <= 0.5) return 1.0;
        if (alpha <= 0.9) return 1.0 - (alpha - 0.5) / 0.4 * 0.99;
        return 0.01;
    }
}

/// <summary>Cosine annealing from the base rate to zero over the run, per iteration.</summary>
public sealed record CosineSchedule(double BaseRate) : ISchedule
{
    public string Name => "cosine";

    public double Rate(TrainingClock clock) =>
        BaseRate / 2 * (1 + Math.Cos(Math.PI * clock.Iteration / clock.TotalIterations));
}

public static class Schedules
{
    public static readonly IReadOnlyList<string> Names = ["standard", "constant", "cosine"];

    public static ISchedule Create(string name, double baseRate) => name switch
    {
        "standard" => new StandardSchedule(baseRate),
        "constant" => new ConstantSchedule(baseRate),
        "cosine" => new CosineSchedule(baseRate),
        _ => throw new IsthmusException($"Unknown schedule '{name}'; choose one of: {string.Join(", ", Names)}."),
    };
}
