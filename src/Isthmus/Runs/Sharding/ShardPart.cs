using Isthmus.Evaluation;
using Isthmus.Storage;

namespace Isthmus.Runs.Sharding;

/// <summary>
/// The self-describing part of a grid evaluation that one <c>--shard i/n</c> run writes (<c>shard.json</c> in its own
/// run folder): which command, which shard of how many, the grid's size, the <see cref="Job"/> every shard of one
/// evaluation shares (sources by content hash, settings, data checksums, architecture), the <see cref="Context"/> that
/// the final files need besides the measured points, and this shard's points by grid index.
/// <see cref="ShardMerge"/> refuses parts whose jobs differ and reports missing shards.
/// </summary>
public sealed class ShardPart
{
    public const string FileName = "shard.json";
    private const int Format = 1;

    /// <summary>The shard's run folder.</summary>
    public required string Folder { get; init; }
    /// <summary>The command that evaluated it (<c>eval-curve</c>, <c>plane</c>, …): which merger writes the final files.</summary>
    public required string Command { get; init; }
    public required Shard Shard { get; init; }
    /// <summary>Points in the whole grid.</summary>
    public required int Points { get; init; }
    /// <summary>What identifies the evaluation: equal in every shard of it.</summary>
    public required JsonObject Job { get; init; }
    /// <summary>What the final files need besides the points (titles, axes, lengths, where unsharded results go).</summary>
    public required JsonObject Context { get; init; }
    /// <summary>This shard's points, each an object with its grid <c>index</c>.</summary>
    public required IReadOnlyList<JsonObject> Results { get; init; }

    /// <summary>
    /// The run folder for shard <paramref name="shard"/> of a <paramref name="command"/> run: <paramref name="outPath"/>,
    /// which must be given and must not be one of the evaluated runs (<paramref name="sources"/>).
    /// </summary>
    public static RunDirectory CreateFolder(string? outPath, string command, Shard shard, bool force, IEnumerable<string> sources, IReadOnlyList<string> commandLine)
    {
        if (outPath is null)
            throw new IsthmusException($"--shard {shard} needs --out DIR, a folder of its own for this shard's part; combine the parts afterwards with `isthmus merge`.");
        var full = Path.GetFullPath(outPath);
        if (sources.Any(s => Path.GetFullPath(s) == full))
            throw new IsthmusException($"--out {outPath} is the run being evaluated; give each shard a new folder, e.g. {Path.Combine(outPath, "..", "parts", shard.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))}.");
        var run = RunDirectory.Create(outPath, command, force, resume: false);
        run.Manifest.Arguments = commandLine;
        run.Manifest.SetSection(ManifestKey.Shard, new JsonObject { ["index"] = shard.Index, ["count"] = shard.Count });
        run.SaveManifest();
        return run;
    }

    /// <summary>
    /// The job of a grid evaluation: the weights evaluated (by content, so that shards on machines that mount the runs
    /// elsewhere still match), the architecture, the data (with checksums) and the settings that shape the grid.
    /// </summary>
    public static JsonObject JobOf(IEnumerable<string> weightFiles, JsonObject architecture, JsonObject data, JsonObject settings) => new()
    {
        ["weights_sha256"] = new JsonArray(weightFiles.Select(f => (JsonNode)Isthmus.Data.FileHash.Sha256OfFile(f)).ToArray()),
        ["architecture"] = architecture.DeepClone(),
        ["data"] = data.DeepClone(),
        ["settings"] = settings.DeepClone(),
    };

    /// <summary>Refuses a shard that would own no point of a grid of <paramref name="points"/>.</summary>
    public static void CheckSize(Shard shard, int points, string what)
    {
        if (shard.Count > points)
            throw new IsthmusException($"--shard {shard} splits {points} {what} into more shards than there are {what}; use at most {points} shards.");
    }

    /// <summary>A record as a JSON object for a part (numbers written exactly, so that they read back bit for bit; NaN as "NaN").</summary>
    public static JsonObject ToJson<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Json.Options) as JsonObject ?? throw new ArgumentException("Only records that serialise to a JSON object go into a part.");

    /// <summary>Reads back what <see cref="ToJson"/> wrote.</summary>
    public static T FromJson<T>(JsonNode? node) => node.Deserialize<T>(Json.Options)
        ?? throw new IsthmusException($"A shard's {FileName} is damaged (a {typeof(T).Name} is missing); run that shard again.");

    /// <summary>Writes <c>shard.json</c> and marks the shard's run complete.</summary>
    public void Write(RunDirectory folder)
    {
        var o = new JsonObject
        {
            ["format"] = Format,
            ["command"] = Command,
            ["shard"] = new JsonObject { ["index"] = Shard.Index, ["count"] = Shard.Count },
            ["points"] = Points,
            ["job"] = Job.DeepClone(),
            ["context"] = Context.DeepClone(),
            ["results"] = new JsonArray(Results.Select(r => (JsonNode)r.DeepClone()).ToArray()),
        };
        Json.Write(folder.File(FileName), o);
        folder.Complete();
    }

    /// <summary>Reads the part in <paramref name="folder"/>, refusing folders that hold no finished shard.</summary>
    public static ShardPart Read(string folder)
    {
        var run = RunDirectory.Open(folder);
        var file = run.File(FileName);
        if (!File.Exists(file))
            throw new IsthmusException($"{folder} holds no {FileName}, so it is not a shard; pass the --out folders of runs made with --shard i/n.");
        if (run.Status != "complete")
            throw new IsthmusException($"{folder} is an unfinished shard (status '{run.Status}'); run it again with the same command.");
        var o = Json.ReadObject(file);
        if (o["format"]?.GetValue<int>() != Format)
            throw new IsthmusException($"{file} has format {o["format"]}, which this Isthmus ({RunDirectory.ToolVersion}) does not read; merge with the version that wrote it.");
        try
        {
            return new ShardPart
            {
                Folder = run.Path,
                Command = o["command"]!.GetValue<string>(),
                Shard = new Shard(o["shard"]!["index"]!.GetValue<int>(), o["shard"]!["count"]!.GetValue<int>()),
                Points = o["points"]!.GetValue<int>(),
                Job = (JsonObject)o["job"]!,
                Context = (JsonObject)o["context"]!,
                Results = ((JsonArray)o["results"]!).Select(r => (JsonObject)r!).ToArray(),
            };
        }
        catch (Exception e) when (e is NullReferenceException or InvalidCastException or InvalidOperationException or FormatException)
        {
            throw new IsthmusException($"{file} is damaged (a field is missing or of the wrong type); run that shard again.", e);
        }
    }
}
