using Isthmus.Runs.Sharding;

namespace Isthmus.Methods;

/// <summary>
/// <c>isthmus merge</c>: the parts written by <c>--shard i/n</c> runs of a grid command, combined into exactly the files
/// one unsharded run writes (<see cref="ShardMerge"/>).
/// </summary>
public static class MergeRecipe
{
    /// <summary>The commands that shard their grids, each with what writes its final files from the merged points.</summary>
    private static readonly Dictionary<string, Func<MergedGrid, MergeSettings, MergeOutcome>> Finishers = new()
    {
        [EvalCurveRecipe.Command] = EvalCurveRecipe.Merge,
        [PlaneRecipe.Command] = PlaneRecipe.Merge,
    };

    public static MergeOutcome Run(MergeSettings s) => ShardMerge.Run(s, Finishers);
}
