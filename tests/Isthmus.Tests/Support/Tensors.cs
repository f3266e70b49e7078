namespace Isthmus.Tests;

internal static class Tensors
{
    /// <summary>Same shape and the same values, element for element.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && eq(a, b).all().item<bool>();

    /// <summary>Every tensor of a safetensors file by name, copied out so that the file can close.</summary>
    public static Dictionary<string, Tensor> ReadAll(string path)
    {
        using var file = Isthmus.Storage.Safetensors.Load(path);
        return file.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }
}
