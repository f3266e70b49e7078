using System.Text.Json.Nodes;
using Isthmus.Space;
using Isthmus.Storage;

namespace Isthmus.Experiments;

/// <summary>
/// A finished (or running) <c>isthmus connect-set</c> folder, read back: its architecture, data, the simplicial complex
/// and the file holding every control point (<see cref="SpaceFile"/> format, <c>set.safetensors</c>: modes first, then
/// connectors). Manifest contract: <c>space.kind = "set"</c>, <c>space.shape</c>, <c>space.modes</c> (N),
/// <c>space.connectors</c> (M), <c>space.simplices[s]</c> = {name, vertices}, <c>space.connector_starts</c>,
/// <c>space.control_points[k]</c> = {name, fixed, source?}, <c>space.sample_by</c>, <c>space.volume_weight</c>;
/// <c>hyperparameters.wd|val|subset</c>; <c>data.name</c>.
/// </summary>
public sealed class SetRun : SpaceRun
{
    public const string SetFile = "set.safetensors";

    public required SimplicialComplex Complex { get; init; }
    /// <summary>edges or volume (how training drew simplices; evaluation draws the same way).</summary>
    public required string SampleBy { get; init; }
    /// <summary>The train run each mode came from, in vertex order.</summary>
    public required IReadOnlyList<string> ModeSources { get; init; }

    protected override string SpaceFileName => SetFile;
    /// <summary>N + M: the modes, then the connectors.</summary>
    protected override int ControlPoints => Complex.Vertices;

    public static SetRun Open(string path)
    {
        var (run, space) = OpenFinished(path, "set", SetFile,
            $"{path} is not a set run (made by `isthmus connect-set`); pass a connect-set --out folder.",
            status => $"{path} has not finished training its connectors (status '{status}'); finish it with `isthmus connect-set --out {path} --resume`.");
        var complex = ReadComplex(space, path);
        var points = space["control_points"] as JsonArray;
        return new SetRun
        {
            Run = run,
            Origin = RunOrigin.Read(run),
            Complex = complex,
            SampleBy = space["sample_by"]?.GetValue<string>() ?? "edges",
            ModeSources = Enumerable.Range(0, complex.Modes).Select(k => points?[k]?["source"]?.GetValue<string>() ?? "").ToArray(),
        };
    }

    /// <summary>The manifest's description of <paramref name="complex"/> (the keys <see cref="Open"/> reads back).</summary>
    public static JsonObject SpaceJson(SimplicialComplex complex, IReadOnlyList<string> modeSources, long parameters, string sampleBy, double volumeWeight, string sampler)
    {
        var points = new JsonArray();
        for (int k = 0; k < complex.Vertices; k++)
        {
            var point = new JsonObject { ["name"] = complex.VertexName(k), ["fixed"] = !complex.IsConnector(k) };
            if (complex.IsConnector(k)) point["init"] = "centroid";
            else point["source"] = modeSources[k];
            points.Add(point);
        }
        return new JsonObject
        {
            ["kind"] = "set",
            ["shape"] = complex.Shape,
            ["modes"] = complex.Modes,
            ["connectors"] = complex.Connectors,
            ["parameters"] = parameters,
            ["file"] = SetFile,
            ["sampler"] = sampler,
            ["sample_by"] = sampleBy,
            ["volume_weight"] = volumeWeight,
            ["control_points"] = points,
            ["simplices"] = new JsonArray(Enumerable.Range(0, complex.Simplices.Count).Select(s => (JsonNode)new JsonObject
            {
                ["name"] = complex.SimplexName(s),
                ["vertices"] = Ints(complex.Simplices[s]),
            }).ToArray()),
            ["connector_starts"] = new JsonArray(complex.ConnectorStarts.Select(c => (JsonNode)new JsonArray(c.Select(Json.Number).ToArray())).ToArray()),
        };
    }

    private static SimplicialComplex ReadComplex(JsonNode space, string path)
    {
        IsthmusException Damaged() => new($"{path}/manifest.json does not describe its simplices readably; the run folder is damaged — run connect-set again with --force.");
        JsonArray Array(JsonNode? node) => node as JsonArray ?? throw Damaged();
        try
        {
            int modes = space["modes"]?.GetValue<int>() ?? throw Damaged();
            int connectors = space["connectors"]?.GetValue<int>() ?? throw Damaged();
            var simplices = Array(space["simplices"]).Select(s => (IReadOnlyList<int>)Array(s?["vertices"]).Select(v => v?.GetValue<int>() ?? throw Damaged()).ToArray()).ToList();
            var starts = Array(space["connector_starts"]).Select(c => (IReadOnlyList<double>)Array(c).Select(v => v?.GetValue<double>() ?? throw Damaged()).ToArray()).ToList();
            return new SimplicialComplex(space["shape"]?.GetValue<string>() ?? throw Damaged(), modes, connectors, simplices, starts);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw Damaged();
        }
    }

    private static JsonArray Ints(IEnumerable<int> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
}
