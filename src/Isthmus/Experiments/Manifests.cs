using System.Text.Json.Nodes;
using Isthmus.Data;
using Isthmus.Nn;

namespace Isthmus.Experiments;

/// <summary>The manifest sections several commands share.</summary>
public static class Manifests
{
    public static JsonObject Architecture(ArchitectureSpec spec)
    {
        var options = new JsonObject();
        foreach (var kv in spec.Options) options[kv.Key] = kv.Value;
        return new JsonObject { ["name"] = spec.Name, ["options"] = options };
    }

    public static ArchitectureSpec ReadArchitecture(JsonNode? node, string runPath)
    {
        var name = node?["name"]?.GetValue<string>()
                   ?? throw new IsthmusException($"{runPath}/manifest.json names no architecture; the run folder is damaged or not from Isthmus.");
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (node!["options"] is JsonObject o)
            foreach (var (k, v) in o) options[k] = v?.GetValue<string>() ?? "";
        return new ArchitectureSpec(name, options);
    }

    public static JsonObject Data(DataBundle data)
    {
        var sums = new JsonObject();
        foreach (var kv in data.Checksums.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sums[kv.Key] = kv.Value;
        var section = new JsonObject
        {
            ["name"] = data.Name,
            ["eval_split"] = data.EvalSplit,
            ["input_shape"] = new JsonArray(data.InputShape.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
            ["classes"] = data.Classes,
            ["checksums"] = sums,
        };
        // A user's own images are normalised with their training split's statistics; record them beside the bytes.
        if (data.Train?.Normalization is { } n)
            section["normalization"] = new JsonObject { ["mean"] = Numbers(n.Mean), ["std"] = Numbers(n.Std) };
        return section;
    }

    private static JsonArray Numbers(float[] values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
}
