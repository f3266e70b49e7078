namespace Isthmus.Training;

/// <summary>
/// A learning-rate schedule that also names the iterations after which the weights are kept as an ensemble member
/// (FGE: the middle of each cycle; Snapshot Ensembles: the end of each cycle). Iterations are 1-based and counted
/// from the start of the run that uses the schedule, as in Algorithm 1 (Garipov et al. 2018).
/// </summary>
public interface ICollectingSchedule : ISchedule
{
    /// <summary>The rate of 1-based iteration <paramref name="iteration"/>.</summary>
    double Rate(long iteration);

    /// <summary>True when the weights after the step of 1-based iteration <paramref name="iteration"/> are a member.</summary>
    bool Collects(long iteration);

    /// <summary>Iterations in one cycle (c for FGE, ⌈T/M⌉ for SSE).</summary>
    long CycleIterations { get; }
}

public static class CollectingSchedules
{
    /// <summary>The collection iterations among 1 … <paramref name="iterations"/>, in order.</summary>
    public static IEnumerable<long> Collections(this ICollectingSchedule schedule, long iterations)
    {
        for (long i = 1; i <= iterations; i++)
            if (schedule.Collects(i)) yield return i;
    }

    /// <summary><paramref name="rate"/> when it is a positive finite number; otherwise the error naming <paramref name="option"/>.</summary>
    internal static double PositiveRate(double rate, string option) =>
        rate > 0 && double.IsFinite(rate) ? rate : throw new IsthmusException($"{option} must be a positive number (got {rate}).");
}
