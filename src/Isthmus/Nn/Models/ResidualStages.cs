using Isthmus.Nn.Layers;

namespace Isthmus.Nn.Models;

/// <summary>
/// What PreResNet (He et al. 2016) and Wide ResNet (Zagoruyko &amp; Komodakis 2016) share on CIFAR after their stem:
/// three stages of n residual blocks at the given planes, stride 2 entering stages 2 and 3, named
/// <c>layer{stage}.{i}</c> as in the reference code, then BN → ReLU → global mean pooling → a linear classifier. In the
/// forward pass each block, and the head, runs in its own <see cref="Stage"/>.
/// </summary>
internal sealed class ResidualStages
{
    private readonly Func<Tensor, Tensor>[] _blocks;
    private readonly BatchNorm _norm;
    private readonly Linear _classifier;

    /// <param name="block">Builds one block from its name, input planes, planes and stride; returns its forward pass.</param>
    /// <param name="expansion">Output channels of a block per plane (4 for bottleneck blocks).</param>
    /// <param name="norm">The state-dict name of the last batch norm (<c>bn</c>, <c>bn1</c>).</param>
    /// <param name="classifier">The state-dict name of the classifier (<c>fc</c>, <c>linear</c>).</param>
    public ResidualStages(LayerBuilder builder, int n, long inPlanes, long[] planes, int expansion,
        Func<string, long, long, long, Func<Tensor, Tensor>> block, string norm, string classifier, int classes)
    {
        var blocks = new List<Func<Tensor, Tensor>>();
        for (int stage = 0; stage < planes.Length; stage++)
        {
            for (int i = 0; i < n; i++)
            {
                long stride = stage > 0 && i == 0 ? 2 : 1;
                blocks.Add(block($"layer{stage + 1}.{i}", inPlanes, planes[stage], stride));
                inPlanes = planes[stage] * expansion;
            }
        }
        _blocks = blocks.ToArray();
        _norm = new BatchNorm(builder, norm, inPlanes);
        _classifier = new Linear(builder, classifier, inPlanes, classes);
    }

    /// <summary>The stem's output through every block and the head.</summary>
    /// <param name="features">The network's hook on the pooled features (<see cref="Network"/>'s <c>Features</c>).</param>
    public Tensor Forward(Tensor stem, Func<Tensor, Tensor> features)
    {
        var x = stem;
        foreach (var block in _blocks) x = Stage.Run(x, block, disposeInput: true);
        return Stage.Run(x, y => _classifier.Forward(features(_norm.Forward(y).relu_().mean([2, 3]))), disposeInput: true);
    }
}
