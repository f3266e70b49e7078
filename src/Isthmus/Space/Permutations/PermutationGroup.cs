namespace Isthmus.Space.Permutations;

/// <summary>
/// One axis of one named tensor (a parameter or a buffer, by its PyTorch name) that a permutation reorders. The axis is
/// read as <c>[Repeat, size, Block]</c> and the permutation acts on the middle index: a flattened convolution output
/// feeding a linear layer moves its channels in blocks of height·width inputs (<c>Block</c>); an LSTM's four gates
/// stack their rows for the same hidden units one after another (<c>Repeat</c> = 4). Both are 1 everywhere else.
/// </summary>
public sealed record PermutedAxis(string Tensor, int Axis, long Block = 1, long Repeat = 1)
{
    /// <summary>The tensor's shape with this axis split into <c>[Repeat, size, Block]</c>; the units are then axis <c>Axis + 1</c>.</summary>
    public long[] Split(long[] shape, long size) =>
        shape.Take(Axis).Concat([Repeat, size, Block]).Concat(shape.Skip(Axis + 1)).ToArray();
}

/// <summary>
/// Hidden units that one permutation relabels together (Ainsworth et al. 2022, §2 "permutation symmetry"): the rows
/// of the layer that produces them, its bias and any batch-norm parameters and statistics following them, and the
/// columns of every layer that reads them. Reordering all of these axes by the same permutation leaves the network's
/// function unchanged.
/// </summary>
/// <param name="Name">A name for the group, e.g. the producing layer's.</param>
/// <param name="Size">Number of units the permutation acts on.</param>
/// <param name="Axes">Every axis it reorders.</param>
public sealed record PermutationGroup(string Name, long Size, IReadOnlyList<PermutedAxis> Axes)
{
    /// <summary>A group produced by <paramref name="producer"/> (weight rows and bias) and read by <paramref name="readers"/> (weight columns).</summary>
    /// <param name="bias">False for a producer without a bias (the convolutions of ResNets).</param>
    public static PermutationGroup Between(string producer, long size, IEnumerable<string> followers, IEnumerable<PermutedAxis> readers, bool bias = true)
    {
        var axes = Produced(producer, bias).ToList();
        axes.AddRange(followers.Select(f => new PermutedAxis(f, 0)));
        axes.AddRange(readers);
        return new PermutationGroup(producer, size, axes);
    }

    /// <summary>The output axes of the layer named <paramref name="producer"/>: its weight's rows and, if it has one, its bias.</summary>
    public static IEnumerable<PermutedAxis> Produced(string producer, bool bias = true) =>
        bias ? [new($"{producer}.weight", 0), new($"{producer}.bias", 0)] : [new($"{producer}.weight", 0)];

    /// <summary>Batch-norm parameters and running statistics that follow the channels of a layer named <paramref name="norm"/>.</summary>
    public static IEnumerable<string> BatchNorm(string norm) =>
        [$"{norm}.weight", $"{norm}.bias", $"{norm}.running_mean", $"{norm}.running_var"];

    /// <summary>The input axis of the layer named <paramref name="reader"/>, in blocks of <paramref name="block"/>.</summary>
    public static PermutedAxis ReadBy(string reader, long block = 1) => new($"{reader}.weight", 1, block);
}
