using Isthmus.Space;

namespace Isthmus.Nn;

/// <summary>
/// PyTorch's default initialisation of a module's parameter, inferred from its state-dict name and shape, for
/// re-initialising a network from outside (<c>--reinit</c>): a weight of two or more dimensions (linear, convolution)
/// and the bias beside it are U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5, and the bias rule of
/// <c>nn.Linear</c>/<c>nn.ConvNd</c>); a one-dimensional weight is a normalisation layer's scale, 1, and its bias 0.
/// </summary>
internal static class ModuleInit
{
    /// <summary>The rule for <paramref name="name"/>, or null when no default rule is known (not a weight or a bias).</summary>
    public static Init? Rule(string name, long[] shape, IReadOnlyDictionary<string, long[]> all)
    {
        if (name.EndsWith("weight", StringComparison.Ordinal))
            return shape.Length >= 2 ? Init.PyTorchDefault(FanIn(shape)) : shape.Length == 1 ? Init.Constant(1) : null;
        if (name.EndsWith("bias", StringComparison.Ordinal) && shape.Length == 1)
        {
            string weight = name[..^"bias".Length] + "weight";
            return all.TryGetValue(weight, out var w) && w.Length >= 2 ? Init.PyTorchDefault(FanIn(w)) : Init.Constant(0);
        }
        return null;
    }

    /// <summary>Inputs per output: the second dimension times the kernel's size.</summary>
    private static long FanIn(long[] shape) => shape.Skip(1).Aggregate(1L, (a, b) => a * b);
}
