
namespace Isthmus.Storage;

/// <summary>
/// Named tensors read from a checkpoint file, as PyTorch's <c>state_dict()</c> holds them: <c>.safetensors</c>
/// (Isthmus's own format and Hugging Face's) or a <c>torch.save</c> zip (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>).
/// Owns its tensors; dispose it when done. <see cref="StateDictMatch"/> maps it onto a network.
/// </summary>
public sealed class StateDict : IDisposable
{
    /// <summary>File extensions read as torch.save zips.</summary>
    public static IReadOnlyList<string> TorchSaveExtensions { get; } = [".pt", ".pth", ".bin"];

    internal StateDict(string path, IReadOnlyList<string> names, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Path = path;
        Names = names;
        Tensors = tensors;
    }

    /// <summary>The file it was read from, for messages.</summary>
    public string Path { get; }

    /// <summary>Tensor names in file order (sorted for torch.save files, whose pickle keeps no order here).</summary>
    public IReadOnlyList<string> Names { get; }

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>True when <paramref name="path"/> names a file this class reads (by extension).</summary>
    public static bool IsCheckpointFile(string path) =>
        IsTorchSave(path) || path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a <c>.safetensors</c> file or a torch.save zip, chosen by extension.</summary>
    public static StateDict Read(string path)
    {
        if (IsTorchSave(path)) return TorchSaveFile.Read(path);
        var file = Safetensors.Load(path);
        return new StateDict(path, file.Names, file.Tensors);
    }

    /// <summary>Writes tensors as <c>.safetensors</c> or, for <c>.pt</c>/<c>.pth</c>/<c>.bin</c>, as a torch.save zip.</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (IsTorchSave(path)) TorchSaveFile.Write(path, tensors);
        else Safetensors.Save(path, tensors, metadata);
    }

    private static bool IsTorchSave(string path) =>
        TorchSaveExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
