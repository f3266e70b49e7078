using Isthmus.Nn.Layers;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn.Models;

/// <summary>
/// What PreResNet (He et al. 2016) and Wide ResNet (Zagoruyko &amp; Komodakis 2016) share on CIFAR after their stem:
/// three stages of n residual blocks at the given planes, stride 2 entering stages 2 and 3, named
/// <c>layer{stage}.{i}</c> as in the reference code, then BN → ReLU → global mean pooling → a linear classifier. In the
/// forward pass each block, and the head, runs in its own <see cref="Stage"/>. The residual stream at the end of stage s
/// is a layer output named <c>layer{s}</c> (<see cref="Network.LayerOutput"/>), the permutation group it carries is named
/// after it (<see cref="ResidualGroups"/>).
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
    /// <param name="groups">The permutation groups so far (the stem's stream started); each block adds its own.</param>
    public ResidualStages(LayerBuilder builder, int n, long inPlanes, long[] planes, int expansion,
        Func<string, long, long, long, Func<Tensor, Tensor>> block, string norm, string classifier, int classes, ResidualGroups groups)
    {
        var net = builder.Network;
        var blocks = new List<Func<Tensor, Tensor>>();
        for (int stage = 0; stage < planes.Length; stage++)
        {
            for (int i = 0; i < n; i++)
            {
                long stride = stage > 0 && i == 0 ? 2 : 1;
                var forward = block($"layer{stage + 1}.{i}", inPlanes, planes[stage], stride);
                string output = $"layer{stage + 1}";
                blocks.Add(i < n - 1 ? forward : x => net.Tap(output, forward(x)));
                inPlanes = planes[stage] * expansion;
            }
            groups.Name($"layer{stage + 1}");
        }
        _blocks = blocks.ToArray();
        _norm = new BatchNorm(builder, norm, inPlanes);
        _classifier = new Linear(builder, classifier, inPlanes, classes);
        groups.Join(PermutationGroup.BatchNorm(norm).Select(b => new PermutedAxis(b, 0)).Append(PermutationGroup.ReadBy(classifier)));
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
