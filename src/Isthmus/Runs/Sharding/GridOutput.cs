using Isthmus.Evaluation;

namespace Isthmus.Runs.Sharding;

/// <summary>What a grid command names about where its results go (its --out, --force, --shard and sources).</summary>
/// <param name="Command">The command the folder's manifest names.</param>
/// <param name="Points">Points in the whole grid.</param>
/// <param name="Noun">What the points are called in messages ("points", "grid points").</param>
/// <param name="InPlace">The evaluated run's folder, where whole results may go without --out; null if none.</param>
/// <param name="Sections">Manifest sections of a new results folder.</param>
/// <param name="NeedsOut">The one-sentence error when there is neither --out nor a run to write into.</param>
/// <param name="Sources">The runs named on the command line (a shard may not write into one of them).</param>
public sealed record GridRequest(string Command, Shard Shard, int Points, string Noun, string? Out, bool Force, string? InPlace,
    JsonObject Sections, string NeedsOut, IReadOnlyList<string> Sources, IReadOnlyList<string> CommandLine, bool Resume = false);

/// <summary>
/// Where a grid command's results go: the whole grid's result folder (<see cref="ResultFolder"/>), or with
/// <c>--shard i/n</c> the shard's own folder, which receives a <see cref="ShardPart"/> that <c>isthmus merge</c>
/// combines. A method opens one once it has read the weights it evaluates (so a checkpoint that does not fit leaves
/// no folder), evaluates the points <see cref="Shard"/> owns, and writes either its whole results into <see cref="Folder"/> or <see cref="WritePart"/>.
/// </summary>
public sealed class GridOutput
{
    private GridOutput(GridRequest request, RunDirectory folder) => (Request, Folder) = (request, folder);

    public GridRequest Request { get; }
    public RunDirectory Folder { get; }
    public Shard Shard => Request.Shard;
    /// <summary>True when this run evaluates the whole grid (no --shard).</summary>
    public bool IsWhole => Request.Shard.IsAll;

    public static GridOutput Open(GridRequest r)
    {
        ShardPart.CheckSize(r.Shard, r.Points, r.Noun);
        var folder = r.Shard.IsAll
            ? ResultFolder.Open(r.Command, r.Out, r.Force, r.InPlace, r.Sections, r.NeedsOut, r.Resume)
            : ShardPart.CreateFolder(r.Out, r.Command, r.Shard, r.Force, r.Sources, r.CommandLine);
        return new GridOutput(r, folder);
    }

    /// <summary>
    /// Writes this shard's part: the <paramref name="job"/> every shard of the evaluation shares, the
    /// <paramref name="context"/> the merged files need, and this shard's points (each with its grid index).
    /// </summary>
    public void WritePart<TContext>(JsonObject job, TContext context, IEnumerable<JsonObject> results) where TContext : IShardContext =>
        new ShardPart
        {
            Folder = Folder.Path, Command = Request.Command, Shard = Request.Shard, Points = Request.Points, Job = job,
            Context = ShardPart.ToJson(context), Results = results.ToArray(),
        }.Write(Folder);
}
