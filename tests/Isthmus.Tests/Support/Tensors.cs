using static TorchSharp.torch;

namespace Isthmus.Tests;

internal static class Tensors
{
    /// <summary>Same shape and the same values, element for element.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && eq(a, b).all().item<bool>();
}
