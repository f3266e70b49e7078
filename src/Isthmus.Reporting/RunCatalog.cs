namespace Isthmus.Reporting;

/// <summary>One folder found under the report's roots, with the result files it holds.</summary>
public sealed record FoundRun(string Path, string Name, JsonObject? Manifest)
{
    public string? Command => Manifest?["command"]?.GetValue<string>();
    public bool Complete => Manifest?["status"]?.GetValue<string>() == "complete";

    public string File(string name) => System.IO.Path.Combine(Path, name);
    public bool Has(string name) => System.IO.File.Exists(File(name));
    public JsonObject Read(string name) => Json.ReadObject(File(name));

    /// <summary>The command that made this run, as a user would type it, or null when the manifest lacks it.</summary>
    public string? CommandLine =>
        Manifest?["arguments"] is JsonArray args && args.Count > 0
            ? "./isthmus " + string.Join(' ', args.Select(a => Quote(a!.GetValue<string>())))
            : null;

    public double? Seconds => Manifest?["timing"]?["seconds_total"]?.GetValue<double>();

    private static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=,:".Contains(c)) ? s : $"'{s.Replace("'", "'\\''")}'";
}

/// <summary>A result file of <c>isthmus bench</c> (<c>--out FILE</c>) found under the report's roots.</summary>
public sealed record FoundBench(string Path, string Name, JsonObject Result);

/// <summary>
/// The runs a report is built from: every folder under the given roots (at any depth up to four) that holds a
/// manifest or a result file Isthmus writes. Folders are listed in the order they were created. Benchmark results
/// (JSON files written by <c>isthmus bench --out</c>) in the same folders are found too.
/// </summary>
public sealed class RunCatalog
{
    public static readonly string[] ResultFiles = ["curve.json", "segment.json", "plane.json", "ensemble.json", "subspace.json", "compare.json"];

    private RunCatalog(IReadOnlyList<FoundRun> runs, IReadOnlyList<FoundBench> benchmarks, IReadOnlyList<string> roots)
    {
        Runs = runs;
        Benchmarks = benchmarks;
        Roots = roots;
    }

    public IReadOnlyList<FoundRun> Runs { get; }
    public IReadOnlyList<FoundBench> Benchmarks { get; }
    public IReadOnlyList<string> Roots { get; }

    public IEnumerable<FoundRun> With(string file) => Runs.Where(r => r.Has(file));
    public IEnumerable<FoundRun> Made(string command) => Runs.Where(r => r.Command == command && r.Complete);

    /// <summary>The run whose folder is <paramref name="path"/> or holds the file <paramref name="path"/>.</summary>
    public FoundRun? Owning(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var folder = Directory.Exists(full) ? full : System.IO.Path.GetDirectoryName(full);
        return Runs.FirstOrDefault(r => string.Equals(r.Path, folder, StringComparison.Ordinal));
    }

    public static RunCatalog Scan(IReadOnlyList<string> roots)
    {
        if (roots.Count == 0) throw new IsthmusException("report needs at least one folder of runs; pass --runs DIR.");
        var found = new List<FoundRun>();
        var benchmarks = new List<FoundBench>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            var full = System.IO.Path.GetFullPath(root);
            if (!Directory.Exists(full))
                throw new IsthmusException($"{root} is not a folder; pass folders that hold Isthmus runs to --runs.");
            Walk(full, full, 0, found, benchmarks, seen);
        }
        if (found.Count == 0 && benchmarks.Count == 0)
            throw new IsthmusException($"No Isthmus runs found under {string.Join(", ", roots)}; pass folders written by isthmus commands (they hold manifest.json).");
        var ordered = found.OrderBy(r => r.Manifest?["created_utc"]?.GetValue<string>() ?? "").ThenBy(r => r.Path, StringComparer.Ordinal).ToList();
        return new RunCatalog(ordered, benchmarks, roots.Select(System.IO.Path.GetFullPath).ToList());
    }

    private static void Walk(string folder, string root, int depth, List<FoundRun> found, List<FoundBench> benchmarks, HashSet<string> seen)
    {
        if (!seen.Add(folder)) return;
        string Name(string path) => System.IO.Path.GetRelativePath(System.IO.Path.GetDirectoryName(root) ?? root, path);
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            if (ReadBench(file) is { } bench) benchmarks.Add(new FoundBench(file, Name(file), bench));
        var manifestPath = System.IO.Path.Combine(folder, RunDirectory.ManifestFile);
        bool hasManifest = System.IO.File.Exists(manifestPath);
        if (hasManifest || ResultFiles.Any(f => System.IO.File.Exists(System.IO.Path.Combine(folder, f))))
        {
            var manifest = hasManifest ? Json.ReadObject(manifestPath) : null;
            found.Add(new FoundRun(folder, Name(folder), manifest));
        }
        if (depth >= 4) return;
        foreach (var sub in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
            if (!System.IO.Path.GetFileName(sub).StartsWith('.'))
                Walk(sub, root, depth + 1, found, benchmarks, seen);
    }

    /// <summary>The result of <c>isthmus bench</c> in <paramref name="file"/>, or null when the file is something else.</summary>
    private static JsonObject? ReadBench(string file)
    {
        var name = System.IO.Path.GetFileName(file);
        if (name == RunDirectory.ManifestFile || ResultFiles.Contains(name) || new FileInfo(file).Length > (1 << 20)) return null;
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(file)) is JsonObject o
                   && o["command"] is JsonValue command && command.TryGetValue(out string? text) && text.StartsWith("isthmus bench", StringComparison.Ordinal)
                   && o["rows"] is JsonArray
                ? o : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or InvalidOperationException)
        {
            return null;
        }
    }
}
