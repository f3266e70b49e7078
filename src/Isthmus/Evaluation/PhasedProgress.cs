using System.Diagnostics;

namespace Isthmus.Evaluation;

/// <summary>
/// Several evaluation grids run one after another (vertices, sampled points, segments, slices) reported as ONE grid:
/// each phase's points are counted from where the previous phases end, so a single progress bar's ETA covers the job.
/// </summary>
public sealed class PhasedProgress(IProgress<GridProgress>? outer, int total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _next;

    public int Total => total;

    /// <summary>The progress of the next phase, of <paramref name="points"/> points, labelled <paramref name="name"/>.</summary>
    public IProgress<GridProgress>? Phase(string name, int points)
    {
        int offset = _next;
        _next += points;
        return outer is null ? null : new SyncProgress<GridProgress>(p =>
            outer.Report(new GridProgress(offset + p.Done, total, $"{name}: {p.Point}", p.Last, _clock.Elapsed.TotalSeconds)));
    }
}
