namespace Isthmus.Space;

/// <summary>How a parameter is initialised when a network starts from scratch.</summary>
public enum InitKind
{
    /// <summary>U(−a, a).</summary>
    Uniform,
    /// <summary>N(0, a²).</summary>
    Normal,
    /// <summary>Every element equals a.</summary>
    Constant,
}

/// <summary>An initialisation rule: the kind and its one number (bound, standard deviation or value).</summary>
public readonly record struct Init(InitKind Kind, double Value)
{
    public static Init Uniform(double bound) => new(InitKind.Uniform, bound);
    public static Init Normal(double std) => new(InitKind.Normal, std);
    public static Init Constant(double value) => new(InitKind.Constant, value);

    /// <summary>PyTorch's default for Linear and Conv2d weights and biases: U(−1/√fan_in, 1/√fan_in).</summary>
    public static Init PyTorchDefault(long fanIn) => Uniform(1.0 / Math.Sqrt(fanIn));
}

/// <summary>One named parameter of an architecture, with the PyTorch name a state dict would give it.</summary>
/// <param name="Name">PyTorch-style name, e.g. <c>features.0.weight</c>.</param>
/// <param name="Shape">Tensor shape.</param>
/// <param name="Init">How to initialise it from scratch.</param>
public sealed record ParameterSpec(string Name, long[] Shape, Init Init)
{
    /// <summary>Number of elements.</summary>
    public long Numel => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Shape as PyTorch prints it, e.g. <c>[800, 784]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
