namespace Isthmus.Training;

/// <summary>
/// The cyclic learning rate of Fast Geometric Ensembling (Garipov et al. 2018, §5, Algorithm 1; docs/science.md §4), per
/// iteration i = 1, 2, … counted from the FGE start: t(i) = (mod(i−1, c) + 1)/c,
/// α(i) = (1−2t)·α1 + 2t·α2 for t ≤ ½ and (2−2t)·α2 + (2t−1)·α1 for t > ½ — linear from α1 down to α2 in the first
/// half of a cycle and back up in the second. A member is collected when t(i) = ½, i.e. mod(i, c) = c/2, where the
/// rate is at its minimum α2.
/// </summary>
public sealed record FgeSchedule : ICollectingSchedule
{
    /// <param name="lr1">α1, the rate at the start and end of each cycle.</param>
    /// <param name="lr2">α2 ≤ α1, the rate in the middle of each cycle, where members are collected.</param>
    /// <param name="cycleIterations">c, an even number of iterations (Algorithm 1 needs c/2 to be whole).</param>
    public FgeSchedule(double lr1, double lr2, long cycleIterations)
    {
        Lr1 = CollectingSchedules.PositiveRate(lr1, "--lr1");
        Lr2 = CollectingSchedules.PositiveRate(lr2, "--lr2");
        if (lr2 > lr1) throw new IsthmusException($"--lr2 ({lr2}) must not exceed --lr1 ({lr1}): FGE collects members where the rate is lowest (α1 > α2).");
        if (cycleIterations < 2 || cycleIterations % 2 != 0)
            throw new IsthmusException($"An FGE cycle must be an even number of iterations, at least 2 (got {cycleIterations}).");
        CycleIterations = cycleIterations;
    }

    public double Lr1 { get; }
    public double Lr2 { get; }
    public long CycleIterations { get; }
    public string Name => "fge";

    /// <summary>t(i) = (mod(i−1, c) + 1)/c ∈ (0, 1].</summary>
    public double T(long iteration) => (double)((iteration - 1) % CycleIterations + 1) / CycleIterations;

    public double Rate(long iteration)
    {
        double t = T(iteration);
        return t <= 0.5 ? (1 - 2 * t) * Lr1 + 2 * t * Lr2 : (2 - 2 * t) * Lr2 + (2 * t - 1) * Lr1;
    }

    public double Rate(TrainingClock clock) => Rate(clock.Iteration + 1);

    /// <summary>Algorithm 1: collect when mod(i, c) = c/2 (t(i) = ½).</summary>
    public bool Collects(long iteration) => iteration % CycleIterations == CycleIterations / 2;

    /// <summary>
    /// c for a cycle of <paramref name="cycleEpochs"/> epochs (fractional allowed) at <paramref name="batchesPerEpoch"/>
    /// minibatches per epoch: cycleEpochs·batchesPerEpoch rounded to the nearest even whole number (halves away from
    /// zero), at least 2. Rounding rather than refusing, because MNIST's 469 batches per epoch would otherwise refuse
    /// every odd whole number of epochs; <paramref name="adjusted"/> says whether the product was not already even,
    /// and the manifest records the cycle actually used.
    /// </summary>
    public static long CycleIterationsFor(double cycleEpochs, int batchesPerEpoch, out bool adjusted)
    {
        if (!(cycleEpochs > 0) || !double.IsFinite(cycleEpochs)) throw new IsthmusException($"--cycle must be a positive number of epochs (got {cycleEpochs}).");
        double exact = cycleEpochs * batchesPerEpoch;
        long c = Math.Max(2, 2 * (long)Math.Round(exact / 2, MidpointRounding.AwayFromZero));
        adjusted = Math.Abs(exact - c) > 1e-9;
        return c;
    }
}
