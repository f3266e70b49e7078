using Isthmus.Nn;

namespace Isthmus.Storage;

/// <summary>
/// Network weights as safetensors with PyTorch state-dict names: the parameters of one control point (or of the
/// current point) plus the batch-norm buffers. Loading goes by name with shape checks, never by order.
/// </summary>
public static class Checkpoint
{
    /// <summary>Saves control point <paramref name="controlPoint"/> (for a plain network: the network) and the buffers.</summary>
    public static void Save(string path, Network net, int controlPoint = 0, IReadOnlyDictionary<string, string>? metadata = null) =>
        Snapshot(net, controlPoint, metadata).Write(path);

    /// <summary>What <see cref="Save"/> writes, copied out now, to be written later (<see cref="BackgroundWriter"/>).</summary>
    public static Safetensors.Prepared Snapshot(Network net, int controlPoint = 0, IReadOnlyDictionary<string, string>? metadata = null) =>
        Safetensors.Snapshot(Entries(net, net.Space.ControlTensors(controlPoint)), WithFormat(net, metadata));

    /// <summary>Saves the current point W = Σ c_k θ_k and the buffers, as a plain network checkpoint.</summary>
    public static void SavePoint(string path, Network net, IReadOnlyDictionary<string, string>? metadata = null) =>
        Safetensors.Save(path, Entries(net, net.Space.PointTensors), WithFormat(net, metadata));

    /// <summary>Loads a plain checkpoint into control point <paramref name="controlPoint"/>; buffers too when present.</summary>
    public static void Load(string path, Network net, int controlPoint = 0)
    {
        using var file = Safetensors.Load(path);
        LoadInto(file, path, net, controlPoint);
    }

    /// <summary>Matches <paramref name="file"/>'s tensors to the network's parameters by name, checking shapes.</summary>
    public static void LoadInto(Safetensors.Contents file, string path, Network net, int controlPoint)
    {
        var layout = net.Layout;
        var missing = layout.Specs.Where(s => !file.Tensors.ContainsKey(s.Name)).Select(s => s.Name).ToList();
        if (missing.Count > 0)
        {
            var more = missing.Count > 1 ? $" and {missing.Count - 1} more" : "";
            throw new IsthmusException($"{path} does not hold the weights of {net.Spec}: '{missing[0]}'{more} missing; it was saved from another architecture (pass the matching --model options).");
        }
        for (int i = 0; i < layout.Count; i++)
        {
            var spec = layout.Specs[i];
            var t = file.Tensors[spec.Name];
            if (!t.shape.SequenceEqual(spec.Shape))
                throw new IsthmusException($"{path}: '{spec.Name}' has shape [{string.Join(", ", t.shape)}] but {net.Spec} needs {spec.ShapeText}; the checkpoint is of another width or data set.");
            using var f = t.dtype == ScalarType.Float32 ? t.alias() : t.to_type(ScalarType.Float32);
            net.Space.SetControl(controlPoint, i, f);
        }
        net.Buffers.CopyFrom(file.Tensors);
    }

    private static IEnumerable<(string, Tensor)> Entries(Network net, IReadOnlyList<Tensor> parameters)
    {
        for (int i = 0; i < net.Layout.Count; i++) yield return (net.Layout.Specs[i].Name, parameters[i]);
        foreach (var b in net.Buffers.All) yield return b;
    }

    private static Dictionary<string, string> WithFormat(Network net, IReadOnlyDictionary<string, string>? metadata)
    {
        var meta = new Dictionary<string, string> { ["format"] = "pt", ["isthmus.architecture"] = net.Spec.ToString() };
        if (metadata is not null) foreach (var kv in metadata) meta[kv.Key] = kv.Value;
        return meta;
    }
}
