namespace Isthmus.Runs.Sharding;

/// <summary>Settings of <c>isthmus merge</c>.</summary>
public sealed record MergeSettings
{
    /// <summary>The shards' folders, in any order.</summary>
    public required IReadOnlyList<string> Parts { get; init; }
    /// <summary>Where the results go; null = where the unsharded command would have written them.</summary>
    public string? Out { get; init; }
    public bool Force { get; init; }
}

/// <summary>What a merge wrote.</summary>
/// <param name="Command">The command whose shards were merged.</param>
/// <param name="Folder">Where its result files are now.</param>
/// <param name="Files">The files written there (the unsharded command's).</param>
public sealed record MergeOutcome(string Command, string Folder, int Shards, int Points, IReadOnlyList<string> Files) : OutcomeWithFigures;

/// <summary>What every sharded command's context says about where its results go.</summary>
public interface IShardContext
{
    /// <summary>The evaluated run, where results go without --out (null: a new folder is needed).</summary>
    string? InPlace { get; }
    /// <summary>The manifest sections of a new results folder.</summary>
    JsonObject Sections { get; }
}

/// <summary>Every point of one sharded evaluation, put back together and checked.</summary>
/// <param name="Results">One result per grid index, in grid order.</param>
public sealed record MergedGrid(string Command, JsonObject Job, JsonObject Context, IReadOnlyList<JsonObject> Results, IReadOnlyList<string> Folders);

/// <summary>
/// <c>isthmus merge</c>: combines the parts written by <c>--shard i/n</c> runs into exactly the files one unsharded run
/// writes. It refuses parts of different evaluations (their jobs differ), repeated shards and a mix of shard counts,
/// and names the missing shards.
/// </summary>
public static class ShardMerge
{
    /// <param name="finishers">The commands that shard their grids, each with what writes its final files from the merged points.</param>
    public static MergeOutcome Run(MergeSettings s, IReadOnlyDictionary<string, Func<MergedGrid, MergeSettings, MergeOutcome>> finishers)
    {
        if (s.Parts.Count == 0) throw new IsthmusException("merge needs the folders of the shards to combine, e.g. `isthmus merge runs/parts/*`.");
        var grid = Combine(s.Parts.Select(ShardPart.Read).ToList());
        if (!finishers.TryGetValue(grid.Command, out var finish))
            throw new IsthmusException($"{grid.Folders[0]} holds shards of '{grid.Command}', which this Isthmus cannot merge; merge with the version that wrote them.");
        return finish(grid, s);
    }

    /// <summary>
    /// The folder merged results go to: --out, else where the unsharded command would have written them; a new folder's
    /// manifest is the unsharded one's plus <c>merged_from</c>.
    /// </summary>
    public static RunDirectory ResultFolder(MergedGrid grid, MergeSettings s, IShardContext context, string needsOut)
    {
        var sections = (JsonObject)context.Sections.DeepClone();
        sections["merged_from"] = new JsonArray(grid.Folders.Select(f => (JsonNode)f).ToArray());
        return Runs.ResultFolder.Open(grid.Command, s.Out, s.Force, context.InPlace, sections, needsOut);
    }

    /// <summary>Checks that <paramref name="parts"/> are all the shards of one evaluation and puts their points in grid order.</summary>
    public static MergedGrid Combine(IReadOnlyList<ShardPart> parts)
    {
        var first = parts[0];
        foreach (var p in parts.Skip(1))
        {
            if (p.Command != first.Command)
                throw new IsthmusException($"{p.Folder} is a shard of '{p.Command}' but {first.Folder} of '{first.Command}'; merge the shards of one evaluation at a time.");
            if (p.Shard.Count != first.Shard.Count)
                throw new IsthmusException($"{p.Folder} is shard {p.Shard} but {first.Folder} is shard {first.Shard}; all shards of one evaluation use the same n.");
            if (Difference(first.Job, p.Job, "") is { } where)
                throw new IsthmusException($"{p.Folder} and {first.Folder} are shards of different evaluations: {where}.");
        }
        var byIndex = new Dictionary<int, ShardPart>();
        foreach (var p in parts)
            if (!byIndex.TryAdd(p.Shard.Index, p))
                throw new IsthmusException($"{byIndex[p.Shard.Index].Folder} and {p.Folder} are both shard {p.Shard}; pass each shard once.");
        int n = first.Shard.Count;
        var missing = Enumerable.Range(0, n).Where(i => !byIndex.ContainsKey(i)).ToList();
        if (missing.Count > 0)
        {
            var list = string.Join(", ", missing.Select(i => i.ToString(CultureInfo.InvariantCulture)));
            throw new IsthmusException($"Shard{(missing.Count == 1 ? "" : "s")} {list} of {n} {(missing.Count == 1 ? "is" : "are")} missing; run {(missing.Count == 1 ? "it" : "them")} with --shard {missing[0]}/{n}{(missing.Count == 1 ? "" : " …")} and pass {(missing.Count == 1 ? "its folder" : "their folders")} too.");
        }

        var results = new JsonObject?[first.Points];
        foreach (var p in parts)
        {
            var expected = p.Shard.PointsOf(p.Points);
            var got = p.Results.Select(r => r["index"]?.GetValue<int>() ?? -1).ToArray();
            if (!expected.SequenceEqual(got))
                throw new IsthmusException($"{p.Folder}/{ShardPart.FileName} does not hold exactly the points of shard {p.Shard}; run that shard again.");
            foreach (var r in p.Results) results[r["index"]!.GetValue<int>()] = r;
        }
        return new MergedGrid(first.Command, first.Job, first.Context, results.Select(r => r!).ToArray(),
            parts.OrderBy(p => p.Shard.Index).Select(p => p.Folder).ToArray());
    }

    /// <summary>Where two jobs first differ, as "their x.y differ (a vs b)"; null when equal.</summary>
    private static string? Difference(JsonNode? a, JsonNode? b, string path)
    {
        if (JsonNode.DeepEquals(a, b)) return null;
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(kv => kv.Key).Union(ob.Select(kv => kv.Key)))
                if (Difference(oa[key], ob[key], path.Length == 0 ? key : $"{path}.{key}") is { } d) return d;
        }
        else if (a is JsonArray xa && b is JsonArray xb && xa.Count == xb.Count)
        {
            for (int i = 0; i < xa.Count; i++)
                if (Difference(xa[i], xb[i], $"{path}[{i}]") is { } d) return d;
        }
        return $"their {(path.Length == 0 ? "jobs" : path)} differ ({Short(b)} vs {Short(a)})";
    }

    private static string Short(JsonNode? n)
    {
        var text = n?.ToJsonString() ?? "nothing";
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
