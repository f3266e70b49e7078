namespace Isthmus.Evaluation;

/// <summary>
/// One of <see cref="Count"/> parts of a grid of points (a curve's t values, a plane's cells), so that one evaluation
/// can be spread over processes, cores or the nodes of a batch cluster and merged afterwards. Shards are numbered
/// from 0, like <c>$SLURM_ARRAY_TASK_ID</c> with <c>--array=0-(n-1)</c> and Kubernetes' <c>$JOB_COMPLETION_INDEX</c>.
/// Shard i owns the points whose grid index is i modulo n: round robin rather than blocks, so every shard samples the
/// whole grid and finishes in about the same time.
/// </summary>
public readonly record struct Shard
{
    /// <summary>The whole grid in one process (no sharding).</summary>
    public static readonly Shard All = new(0, 1);

    public Shard(int index, int count)
    {
        if (count < 1 || index < 0 || index >= count)
            throw new IsthmusException($"--shard takes i/n with 0 ≤ i < n, e.g. 0/4 … 3/4 (got {index}/{count}).");
        Index = index;
        Count = count;
    }

    public int Index { get; }
    public int Count { get; }

    /// <summary>True for <see cref="All"/>: one process evaluates every point.</summary>
    public bool IsAll => Count == 1;

    /// <summary>Reads <c>i/n</c>, e.g. <c>3/8</c>.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return new Shard(i, n);
        throw new IsthmusException($"--shard takes i/n, shard i (counted from 0) of n, e.g. 0/4 (got '{text}').");
    }

    public bool Owns(int point) => point % Count == Index;

    /// <summary>The grid indices this shard evaluates, in increasing order.</summary>
    public int[] PointsOf(int total) => Enumerable.Range(0, total).Where(Owns).ToArray();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
