namespace Isthmus.Training;

/// <summary>
/// Snapshot Ensembles' cosine cycles (Huang et al. 2017; docs/science.md §4), per iteration t = 1 … T from the start of
/// training: with cycle length L = ⌈T/M⌉, α(t) = α0/2·(cos(π·mod(t−1, L)/L) + 1); a snapshot is taken at the end of
/// each of the M cycles (t = L, 2L, …, and T for the last, which may be shorter).
/// </summary>
public sealed record SnapshotSchedule : ICollectingSchedule
{
    /// <param name="lr0">α0, the rate at the start of every cycle.</param>
    /// <param name="totalIterations">T, the whole budget in iterations.</param>
    /// <param name="snapshots">M, the number of cycles (and snapshots).</param>
    public SnapshotSchedule(double lr0, long totalIterations, int snapshots)
    {
        Lr0 = CollectingSchedules.PositiveRate(lr0, "--lr0");
        TotalIterations = totalIterations;
        Snapshots = snapshots;
        CycleIterations = CycleFor(totalIterations, snapshots);
    }

    /// <summary>L = ⌈T/M⌉, when T iterations hold M cycles of that length.</summary>
    private static long CycleFor(long totalIterations, int snapshots)
    {
        if (snapshots < 1) throw new IsthmusException($"--snapshots must be at least 1 (got {snapshots}).");
        if (totalIterations < snapshots)
            throw new IsthmusException($"A budget of {totalIterations} iterations cannot hold {snapshots} cycles; raise --budget or lower --snapshots.");
        long cycle = (totalIterations + snapshots - 1) / snapshots;
        if ((snapshots - 1) * cycle >= totalIterations)
            throw new IsthmusException($"With ⌈T/M⌉ = {cycle} iterations per cycle, {totalIterations} iterations hold fewer than {snapshots} cycles; raise --budget or lower --snapshots.");
        return cycle;
    }

    public double Lr0 { get; }
    public long TotalIterations { get; }
    public int Snapshots { get; }
    public long CycleIterations { get; }
    public string Name => "sse";

    public double Rate(long iteration) =>
        Lr0 / 2 * (Math.Cos(Math.PI * ((iteration - 1) % CycleIterations) / CycleIterations) + 1);

    public double Rate(TrainingClock clock) => Rate(clock.Iteration + 1);

    public bool Collects(long iteration) => iteration % CycleIterations == 0 || iteration == TotalIterations;
}
