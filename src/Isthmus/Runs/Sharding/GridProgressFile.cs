using Isthmus.Evaluation;
using Isthmus.Storage;

namespace Isthmus.Runs.Sharding;

/// <summary>
/// The points of a grid evaluated so far, saved every few seconds while the grid runs (so that <c>--resume</c>
/// continues an interrupted grid) and deleted when it is done. The saved file names its job and shard, and is only
/// read back for the same ones.
/// </summary>
public sealed class GridProgressFile(string path, JsonObject job, Shard shard)
{
    private readonly JsonObject _key = Key(job, shard);

    private static JsonObject Key(JsonObject job, Shard shard)
    {
        var key = (JsonObject)job.DeepClone();
        key["shard"] = shard.ToString();
        return key;
    }

    /// <summary>The saved points of an interrupted grid, or null if none was saved; refuses progress of another grid.</summary>
    public IReadOnlyList<GridPoint>? Read()
    {
        if (!File.Exists(path)) return null;
        var saved = Json.ReadObject(path);
        if (saved["job"]?.ToJsonString() != _key.ToJsonString())
            throw new IsthmusException($"{path} holds progress of a different grid (other weights, data or settings); rerun without --resume (with --force) to start this one afresh.");
        return (saved["points"] as JsonArray ?? []).Select(p => ShardPart.FromJson<GridPoint>(p)).ToList();
    }

    /// <summary>Saves the points evaluated so far (atomically).</summary>
    public void Save(IReadOnlyList<GridPoint> points) =>
        Json.Write(path, new JsonObject { ["job"] = _key.DeepClone(), ["points"] = new JsonArray(points.Select(p => (JsonNode)ShardPart.ToJson(p)).ToArray()) });

    public void Delete() => File.Delete(path);
}
