using Isthmus.Nn.Layers;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn.Models;

/// <summary>
/// Wide ResNet (Zagoruyko &amp; Komodakis 2016; the reference code's models/wide_resnet.py), WRN-28-10 by default: a 3×3
/// convolution to 16 channels, three stages of n = (depth − 4)/6 pre-activation blocks at 16k, 32k, 64k channels
/// (stride 2 entering stages 2 and 3), then batch norm, ReLU, global average pooling and a linear classifier.
/// Each block is x' = conv2(ReLU(BN2(dropout(conv1(ReLU(BN1(x))))))) + shortcut(x), the shortcut a 1×1 strided
/// convolution (<c>shortcut.0</c>) where the shape changes, else the identity.
/// </summary>
/// <remarks>
/// <para>Options: <c>depth</c> (28), <c>widen</c> k (10), <c>dropout</c> (0, as in the reference's WideResNet28x10).</para>
/// <para>Names are the reference's state-dict names (<c>conv1</c>, <c>layer1.0.bn1</c>, <c>layer1.0.shortcut.0</c>,
/// <c>bn1</c>, <c>linear</c>). Every convolution has a bias and, as in the reference, PyTorch's default init.
/// Two deliberate differences: the reference's last batch norm uses momentum 0.9 while here every batch norm follows
/// <see cref="Network.BatchNormMomentum"/> (the running statistics of an evaluated point are recomputed anyway,
/// docs/science.md §1); and the reference's avg_pool2d(8) is a global mean here, equal on 32×32 inputs and also valid for
/// 28×28 ones.</para>
/// </remarks>
public sealed class WideResNet : Network
{
    private readonly Conv2d _conv1;
    private readonly ResidualStages _stages;
    private readonly IReadOnlyList<PermutationGroup> _groups;

    public WideResNet(ArchitectureSpec spec, DataShape data) : base(spec)
    {
        int depth = (int)spec.Number("depth", 28);
        int k = (int)spec.Number("widen", 10);
        double dropout = spec.Probability("dropout", 0.0);
        if (depth < 10 || (depth - 4) % 6 != 0)
            throw new IsthmusException($"WideResNet depth {depth} is not of the form 6n + 4 (e.g. 28); set --depth accordingly.");
        if (k < 1) throw new IsthmusException($"WideResNet widen factor {k} must be at least 1.");
        int n = (depth - 4) / 6;

        _conv1 = new Conv2d(Builder, "conv1", data.InputShape[0], 16, 3, padding: 1);
        var groups = new ResidualGroups();
        groups.Start("conv1", 16, PermutationGroup.Produced("conv1"));
        _stages = new ResidualStages(Builder, n, 16, [16L * k, 32L * k, 64L * k], expansion: 1,
            (name, inPlanes, planes, stride) => new Block(Builder, name, inPlanes, planes, stride, dropout, groups).Forward,
            norm: "bn1", classifier: "linear", data.Classes, groups);
        _groups = groups.Finish();
    }

    /// <summary>The stem's channels, the residual stream of each stage and each block's hidden convolution.</summary>
    public override IReadOnlyList<PermutationGroup> PermutationGroups => _groups;

    /// <summary>Convolutions (grouped over stacked points), batch norm per point, linear layers: stacked points pass through together.</summary>
    public override bool EvaluatesStackedPoints => true;

    public override Tensor Forward(Tensor input)
    {
        var images = ImagesIn(input);
        return _stages.Forward(Stage.Run(images, _conv1.Forward, disposeInput: !ReferenceEquals(images, input)), Features);
    }

    /// <summary>The wide basic block: bn1, conv1, dropout, bn2, conv2 (strided), shortcut.</summary>
    private sealed class Block
    {
        private readonly BatchNorm _bn1, _bn2;
        private readonly Conv2d _conv1, _conv2;
        private readonly Dropout _dropout;
        private readonly Conv2d? _shortcut;

        public Block(LayerBuilder b, string name, long inPlanes, long planes, long stride, double dropout, ResidualGroups groups)
        {
            _bn1 = new BatchNorm(b, $"{name}.bn1", inPlanes);
            _conv1 = new Conv2d(b, $"{name}.conv1", inPlanes, planes, 3, padding: 1);
            _dropout = new Dropout(b, dropout);
            _bn2 = new BatchNorm(b, $"{name}.bn2", planes);
            _conv2 = new Conv2d(b, $"{name}.conv2", planes, planes, 3, stride, padding: 1);
            if (stride != 1 || inPlanes != planes)
                _shortcut = new Conv2d(b, $"{name}.shortcut.0", inPlanes, planes, 1, stride);
            groups.Block([($"{name}.bn1", $"{name}.conv1", planes), ($"{name}.bn2", $"{name}.conv2", planes)],
                _shortcut is null ? null : $"{name}.shortcut.0", bias: true);
        }

        public Tensor Forward(Tensor x)
        {
            // ReLU in place on batch norm's output (its backward reads its input, not its output): same values, one
            // tensor fewer. Each tensor is freed once the next layer has read it (what autograd saved stays alive).
            var a = _bn1.Forward(x).relu_();
            var y = _dropout.Forward(_conv1.Forward(a));
            a.Dispose();
            a = _bn2.Forward(y).relu_();
            y.Dispose();
            y = _conv2.Forward(a);
            a.Dispose();
            return y.add_(_shortcut is null ? x : _shortcut.Forward(x));
        }
    }
}
