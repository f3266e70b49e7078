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

    /// <summary>
    /// Loads a plain checkpoint into control point <paramref name="controlPoint"/>, with its buffers: Isthmus's
    /// <c>.safetensors</c>, anyone's, or a PyTorch <c>torch.save(state_dict)</c> zip (<see cref="StateDictMatch"/>
    /// says how names are matched).
    /// </summary>
    public static void Load(string path, Network net, int controlPoint = 0)
    {
        using var file = StateDict.Read(path);
        LoadInto(file, net, controlPoint);
    }

    /// <summary>Matches <paramref name="file"/>'s tensors to the network's parameters and buffers by name, checking shapes.</summary>
    public static void LoadInto(StateDict file, Network net, int controlPoint)
    {
        var tensors = StateDictMatch.Match(file, net);
        for (int i = 0; i < net.Layout.Count; i++)
        {
            var t = tensors[net.Layout.Specs[i].Name];
            using var f = t.dtype == ScalarType.Float32 ? t.alias() : t.to_type(ScalarType.Float32);
            net.Space.SetControl(controlPoint, i, f);
        }
        net.Buffers.CopyFrom(tensors);
    }

    /// <summary>
    /// Writes control point <paramref name="controlPoint"/> and the buffers for PyTorch: a torch.save zip for
    /// <c>.pt</c>/<c>.pth</c>/<c>.bin</c>, safetensors otherwise; either loads with <c>load_state_dict(strict=True)</c>
    /// into the PyTorch module of the same names.
    /// </summary>
    public static void Export(string path, Network net, int controlPoint = 0) =>
        StateDict.Write(path, Entries(net, net.Space.ControlTensors(controlPoint)), WithFormat(net, null));

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
