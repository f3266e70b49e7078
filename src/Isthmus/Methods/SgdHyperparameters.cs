using Isthmus.Runs;
using Isthmus.Training;

namespace Isthmus.Methods;

/// <summary>
/// The knobs every SGD-trained run shares (<c>train</c>, <c>connect</c>, ...): validated once, written to the
/// manifest's <c>hyperparameters</c> section under the same keys by every command.
/// </summary>
/// <param name="Clip">Gradient-norm threshold of every step (<see cref="GradientClipping"/>); 0 = none.</param>
public sealed record SgdHyperparameters(int Epochs, int BatchSize, double Lr, double Momentum, double WeightDecay, string Schedule, long Seed, int SaveEvery, double Clip = 0)
{
    public static SgdHyperparameters Of(TrainSettings s) => s.Hyperparameters(s.WeightDecay);

    /// <summary>Throws one sentence per bad value, naming its command-line flag.</summary>
    public void Validate(int minimumEpochs = 1)
    {
        if (Epochs < minimumEpochs) throw new IsthmusException($"--epochs must be at least {minimumEpochs} (got {Epochs}).");
        if (BatchSize < 1) throw new IsthmusException($"--batch-size must be at least 1 (got {BatchSize}).");
        if (!(Lr > 0) || !double.IsFinite(Lr)) throw new IsthmusException($"--lr must be a positive number (got {Lr}).");
        if (Momentum < 0 || Momentum >= 1) throw new IsthmusException($"--momentum must be in [0, 1) (got {Momentum}).");
        if (WeightDecay < 0) throw new IsthmusException($"--wd must not be negative (got {WeightDecay}).");
        if (!(Clip >= 0) || !double.IsFinite(Clip)) throw new IsthmusException($"--clip must be a positive gradient norm, or 0 for no clipping (got {Clip}).");
        if (SaveEvery < 0) throw new IsthmusException($"--save-every must not be negative (got {SaveEvery}).");
        Schedules.Create(Schedule, Lr);
    }

    /// <summary>The manifest's <c>hyperparameters</c> section.</summary>
    public HyperparametersSection ToManifest(int val, int subset) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        Lr = Lr,
        Momentum = Momentum,
        Wd = WeightDecay,
        Schedule = Schedule,
        Seed = Seed,
        SaveEvery = SaveEvery,
        Clip = Clip > 0 ? Clip : null,
        Val = val,
        Subset = subset,
    };
}
