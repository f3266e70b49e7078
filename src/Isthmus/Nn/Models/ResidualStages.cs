using Isthmus.Nn.Layers;

namespace Isthmus.Nn.Models;

/// <summary>
/// The layout PreResNet (He et al. 2016) and Wide ResNet (Zagoruyko &amp; Komodakis 2016) share on CIFAR: three stages of
/// n residual blocks at the given planes, stride 2 entering stages 2 and 3, named <c>layer{stage}.{i}</c> as in the
/// reference code; in the forward pass each block runs in its own <see cref="Stage"/>, then BN → ReLU → global mean
/// pooling → the classifier.
/// </summary>
internal static class ResidualStages
{
    /// <param name="block">Builds one block from its name, input planes, planes and stride.</param>
    /// <param name="expansion">Output channels of a block per plane (4 for bottleneck blocks).</param>
    /// <returns>The blocks in order and the channels of the last block's output.</returns>
    public static (T[] Blocks, long Channels) Build<T>(int n, long inPlanes, long[] planes, int expansion,
        Func<string, long, long, long, T> block)
    {
        var blocks = new List<T>();
        for (int stage = 0; stage < planes.Length; stage++)
        {
            for (int i = 0; i < n; i++)
            {
                long stride = stage > 0 && i == 0 ? 2 : 1;
                blocks.Add(block($"layer{stage + 1}.{i}", inPlanes, planes[stage], stride));
                inPlanes = planes[stage] * expansion;
            }
        }
        return (blocks.ToArray(), inPlanes);
    }

    /// <summary>The stem's output through every block, then <paramref name="head"/> (norm, pooling, classifier).</summary>
    public static Tensor Forward(Tensor stem, IEnumerable<Func<Tensor, Tensor>> blocks, Func<Tensor, Tensor> head)
    {
        var x = stem;
        foreach (var block in blocks) x = Stage.Run(x, block, disposeInput: true);
        return Stage.Run(x, head, disposeInput: true);
    }
}
