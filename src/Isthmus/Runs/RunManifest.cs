using System.Text.Json.Serialization.Metadata;
using Isthmus.Nn;

namespace Isthmus.Runs;

/// <summary>
/// <c>manifest.json</c> of a run folder, typed: what was run (command, arguments, architecture, data, weight space,
/// hyperparameters, settings), where it stands (<see cref="Status"/>) and what it found. This is the one place the
/// manifest's keys are spelled. Sections shared by several run kinds are records (<see cref="DataSection"/> …);
/// the sections one run kind alone writes are kept as JSON its writer owns (<see cref="Section"/>). Keys this version
/// does not know are kept, so older and newer folders open and save back unchanged.
/// </summary>
public sealed class RunManifest
{
    private readonly JsonObject _json;

    internal RunManifest(JsonObject json) => _json = json;

    /// <summary>A manifest for a new run of <paramref name="command"/>, status <c>running</c>.</summary>
    internal static RunManifest Fresh(string command) => new(new JsonObject
    {
        ["tool"] = "isthmus",
        ["version"] = RunDirectory.ToolVersion,
        ["command"] = command,
        ["status"] = RunStatus.Running,
        ["created_utc"] = DateTime.UtcNow.ToString("O"),
    });

    /// <summary>The manifest as JSON, for writing.</summary>
    internal JsonObject Json => _json;

    /// <summary>How many top-level entries the manifest has.</summary>
    internal int Count => _json.Count;

    public string? Command => Text("command");
    public string? Version => Text("version");

    /// <summary><see cref="RunStatus.Running"/> until the command finishes, then <see cref="RunStatus.Complete"/>.</summary>
    public string Status
    {
        get => Text("status") ?? "unknown";
        internal set => _json["status"] = value;
    }

    public string? FinishedUtc
    {
        get => Text("finished_utc");
        internal set => _json["finished_utc"] = value;
    }

    /// <summary>The command line as typed.</summary>
    public IReadOnlyList<string> Arguments
    {
        get => Get("arguments", ManifestJson.Default.ListString) ?? [];
        set => Set("arguments", value.ToList(), ManifestJson.Default.ListString);
    }

    /// <summary>The architecture; null when the manifest names none (a damaged folder, or not a network's run).</summary>
    public ArchitectureSpec? Architecture
    {
        get => _json["architecture"] is JsonObject ? Get("architecture", ManifestJson.Default.ArchitectureSpec) : null;
        set => Set("architecture", value, ManifestJson.Default.ArchitectureSpec);
    }

    public DataSection? Data
    {
        get => Get("data", ManifestJson.Default.DataSection);
        set => Set("data", value, ManifestJson.Default.DataSection);
    }

    public HyperparametersSection? Hyperparameters
    {
        get => Get("hyperparameters", ManifestJson.Default.HyperparametersSection);
        set => Set("hyperparameters", value, ManifestJson.Default.HyperparametersSection);
    }

    public SpaceSection? Space
    {
        get => Get("space", ManifestJson.Default.SpaceSection);
        set => Set("space", value, ManifestJson.Default.SpaceSection);
    }

    public PlatformSection? Platform
    {
        get => Get("platform", ManifestJson.Default.PlatformSection);
        set => Set("platform", value, ManifestJson.Default.PlatformSection);
    }

    /// <summary>The final metrics of a trained network (and of an ensemble or comparison: their own keys, in <c>Extra</c>).</summary>
    public MetricsSection? Final
    {
        get => Get("final", ManifestJson.Default.MetricsSection);
        set => Set("final", value, ManifestJson.Default.MetricsSection);
    }

    /// <summary>The metrics of a curve's midpoint φ(½), batch norm recomputed (<c>connect</c>).</summary>
    public MetricsSection? Midpoint
    {
        get => Get("midpoint", ManifestJson.Default.MetricsSection);
        set => Set("midpoint", value, ManifestJson.Default.MetricsSection);
    }

    /// <summary>The command's settings record as given (read back on <c>--resume</c>: <see cref="ResumeState"/>).</summary>
    public JsonObject? Settings
    {
        get => _json["settings"] as JsonObject;
        set => _json["settings"] = value;
    }

    /// <summary>
    /// The sections every folder of derived results opens with: the command line, the architecture, the data, and
    /// optionally what was evaluated (<paramref name="space"/>) and the command's settings.
    /// </summary>
    public void Describe(IReadOnlyList<string> commandLine, ArchitectureSpec architecture, DataSection data, SpaceSection? space = null, JsonObject? settings = null)
    {
        Arguments = commandLine;
        Architecture = architecture;
        Data = data;
        if (space is not null) Space = space;
        if (settings is not null) Settings = settings;
    }

    /// <summary>Those sections alone, as JSON: what a new results folder (<see cref="ResultFolder"/>, a shard's merge) is given.</summary>
    public static JsonObject Sections(IReadOnlyList<string> commandLine, ArchitectureSpec architecture, DataSection data, SpaceSection? space = null, JsonObject? settings = null)
    {
        var m = new RunManifest(new JsonObject());
        m.Describe(commandLine, architecture, data, space, settings);
        return m._json;
    }

    /// <summary>Takes every section of <paramref name="sections"/> (made by <see cref="Sections"/>) into this manifest.</summary>
    public void Adopt(JsonObject sections)
    {
        foreach (var (key, value) in sections) _json[key] = value?.DeepClone();
    }

    /// <summary>An architecture as result files (curve.json, plane.json …) record it, in the manifest's shape.</summary>
    public static JsonNode ToJson(ArchitectureSpec architecture) => JsonSerializer.SerializeToNode(architecture, ManifestJson.Default.ArchitectureSpec)!;

    /// <summary>A data set as result files record it, in the manifest's shape.</summary>
    public static JsonNode ToJson(DataSection data) => JsonSerializer.SerializeToNode(data, ManifestJson.Default.DataSection)!;

    /// <summary>A section one run kind owns, by its key (<see cref="ManifestKey"/>); its writer and reader spell its inner keys.</summary>
    public JsonNode? Section(ManifestKey key) => _json[key.Name];

    /// <summary>Sets (or, with null, removes) a section one run kind owns.</summary>
    public void SetSection(ManifestKey key, JsonNode? value)
    {
        if (value is null) _json.Remove(key.Name);
        else _json[key.Name] = value;
    }

    /// <summary>A deep copy of the manifest's JSON, for reports and for folders that inherit sections.</summary>
    public JsonObject ToJson() => (JsonObject)_json.DeepClone();

    private string? Text(string key) => _json[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private T? Get<T>(string key, JsonTypeInfo<T> type) where T : class
    {
        if (_json[key] is not { } node) return null;
        try { return node.Deserialize(type); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new IsthmusException($"The manifest's '{key}' section is not readable ({e.Message}); the run folder is damaged — run its command again with --force.", e);
        }
    }

    private void Set<T>(string key, T? value, JsonTypeInfo<T> type) where T : class
    {
        if (value is null) _json.Remove(key);
        else _json[key] = JsonSerializer.SerializeToNode(value, type);
    }
}

/// <summary>The values of a manifest's <c>status</c>.</summary>
public static class RunStatus
{
    public const string Running = "running", Complete = "complete";
}

/// <summary>The key of a manifest section that one run kind owns; every such key is named here.</summary>
public sealed record ManifestKey(string Name)
{
    public static readonly ManifestKey Timing = new("timing");
    public static readonly ManifestKey Endpoints = new("endpoints");
    public static readonly ManifestKey Start = new("start");
    public static readonly ManifestKey Schedule = new("schedule");
    public static readonly ManifestKey Optimizer = new("optimizer");
    public static readonly ManifestKey Members = new("members");
    public static readonly ManifestKey TrajectoryPoints = new("trajectory_points");
    public static readonly ManifestKey TrajectoryColumns = new("trajectory_columns");
    public static readonly ManifestKey Connectors = new("connectors");
    public static readonly ManifestKey Modes = new("modes");
    public static readonly ManifestKey Plan = new("plan");
    public static readonly ManifestKey Shard = new("shard");
    public static readonly ManifestKey Final = new("final");
    public static readonly ManifestKey MergedFrom = new("merged_from");
    public static readonly ManifestKey Alignment = new("alignment");
}
