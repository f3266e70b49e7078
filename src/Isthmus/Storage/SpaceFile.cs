using Isthmus.Nn;

namespace Isthmus.Storage;

/// <summary>
/// Every control point of a weight space in one safetensors file, named <c>control.&lt;k&gt;.&lt;parameter&gt;</c>
/// (e.g. <c>control.1.layers.0.weight</c> for the first bend of a curve), plus the buffers as
/// <c>buffer.&lt;name&gt;</c>. A PyTorch user gets bend k of a curve by stripping the prefix.
/// </summary>
public static class SpaceFile
{
    public static string ControlName(int k, string parameter) => $"control.{k}.{parameter}";

    /// <summary>The named tensors <see cref="Save"/> writes: every control point, then the buffers.</summary>
    public static List<(string Name, Tensor Tensor)> Entries(Network net)
    {
        var space = net.Space;
        var tensors = new List<(string, Tensor)>();
        for (int k = 0; k < space.ControlPointCount; k++)
            for (int i = 0; i < net.Layout.Count; i++)
                tensors.Add((ControlName(k, net.Layout.Specs[i].Name), space.Control(k, i)));
        foreach (var (name, t) in net.Buffers.All) tensors.Add(($"buffer.{name}", t));
        return tensors;
    }

    public static void Save(string path, Network net, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var space = net.Space;
        var tensors = Entries(net);
        var meta = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["isthmus.architecture"] = net.Spec.ToString(),
            ["isthmus.control_points"] = space.ControlPointCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (metadata is not null) foreach (var kv in metadata) meta[kv.Key] = kv.Value;
        Safetensors.Save(path, tensors, meta);
    }

    /// <summary>Loads every control point (by name, with shape checks) into a space with the same number of control points.</summary>
    public static void Load(string path, Network net)
    {
        using var file = Safetensors.Load(path);
        LoadInto(file, path, net);
    }

    /// <summary>Fills the network's space and buffers from an open file written by <see cref="Save"/> (or <see cref="Entries"/>).</summary>
    public static void LoadInto(Safetensors.Contents file, string path, Network net)
    {
        var space = net.Space;
        for (int k = 0; k < space.ControlPointCount; k++)
            for (int i = 0; i < net.Layout.Count; i++)
            {
                var name = ControlName(k, net.Layout.Specs[i].Name);
                if (!file.Tensors.TryGetValue(name, out var t))
                    throw new IsthmusException($"{path} lacks '{name}'; it holds another architecture or another number of control points.");
                space.SetControl(k, i, t);
            }
        net.Buffers.CopyFrom(file.Tensors.Where(kv => kv.Key.StartsWith("buffer.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["buffer.".Length..], kv => kv.Value));
        space.MoveTo(space.Coefficients.ToArray());
    }
}
