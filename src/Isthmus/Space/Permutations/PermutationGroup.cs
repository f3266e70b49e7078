namespace Isthmus.Space.Permutations;

/// <summary>
/// One axis of one named tensor (a parameter or a buffer, by its PyTorch name) that a permutation reorders. The axis is
/// read as <c>[size, Block]</c>: a flattened convolution output feeding a linear layer moves its channels in blocks of
/// height·width inputs; everywhere else <c>Block</c> is 1.
/// </summary>
public sealed record PermutedAxis(string Tensor, int Axis, long Block = 1);

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
    public static PermutationGroup Between(string producer, long size, IEnumerable<string> followers, IEnumerable<PermutedAxis> readers)
    {
        var axes = new List<PermutedAxis> { new($"{producer}.weight", 0), new($"{producer}.bias", 0) };
        axes.AddRange(followers.Select(f => new PermutedAxis(f, 0)));
        axes.AddRange(readers);
        return new PermutationGroup(producer, size, axes);
    }

    /// <summary>Batch-norm parameters and running statistics that follow the channels of a layer named <paramref name="norm"/>.</summary>
    public static IEnumerable<string> BatchNorm(string norm) =>
        [$"{norm}.weight", $"{norm}.bias", $"{norm}.running_mean", $"{norm}.running_var"];

    /// <summary>The input axis of the layer named <paramref name="reader"/>, in blocks of <paramref name="block"/>.</summary>
    public static PermutedAxis ReadBy(string reader, long block = 1) => new($"{reader}.weight", 1, block);
}
