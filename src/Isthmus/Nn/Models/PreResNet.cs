using Isthmus.Nn.Layers;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn.Models;

/// <summary>
/// Pre-activation ResNet for CIFAR (He et al. 2016, "Identity mappings"; the reference code's models/preresnet.py):
/// a 3×3 convolution to 16 channels, three stages of n blocks at 16, 32, 64 planes (stride 2 entering stages 2 and 3),
/// then batch norm, ReLU, global average pooling and a linear classifier. Each block computes
/// x + F(x) with F = (BN → ReLU → conv) repeated, and a 1×1 strided convolution (<c>downsample.0</c>) on the identity
/// path where the shape changes.
/// </summary>
/// <remarks>
/// <para>Options: <c>depth</c>; <c>block</c> = <c>basic</c> (two 3×3 convolutions, depth = 6n + 2) or <c>bottleneck</c>
/// (1×1, 3×3, 1×1 with 4× expansion, depth = 9n + 2). <c>preresnet110</c> defaults to basic blocks (n = 18, He et al.'s
/// 110-layer net, 1.73 M parameters on CIFAR-10); <c>preresnet164</c> to bottleneck blocks (n = 18, 1.70 M). The reference
/// code switches to bottleneck blocks for every depth ≥ 44, so ITS PreResNet110 is a bottleneck net with n = 12
/// (1.15 M): use <c>block=bottleneck</c> to load its checkpoints.</para>
/// <para>Names follow the reference's state dict (<c>conv1</c>, <c>layer1.0.bn1</c>, <c>layer2.0.downsample.0</c>,
/// <c>bn</c>, <c>fc</c>); convolutions are He-normal with fan-out and have no bias. The reference pools with
/// AvgPool2d(8), which is global average pooling on 32×32 inputs; a global mean is used here so that 28×28 inputs
/// (7×7 final maps) work too. Input channels come from the data set.</para>
/// </remarks>
public sealed class PreResNet : Network
{
    private readonly Conv2d _conv1;
    private readonly ResidualStages _stages;
    private readonly IReadOnlyList<PermutationGroup> _groups;

    public PreResNet(ArchitectureSpec spec, DataShape data, int defaultDepth, bool defaultBottleneck) : base(spec)
    {
        int depth = (int)spec.Number("depth", defaultDepth);
        bool bottleneck = spec.Get("block") switch
        {
            null => defaultBottleneck,
            "basic" => false,
            "bottleneck" => true,
            var other => throw new IsthmusException($"PreResNet option block='{other}' is unknown; use block=basic or block=bottleneck."),
        };
        int perBlock = bottleneck ? 9 : 6;
        if (depth < perBlock + 2 || (depth - 2) % perBlock != 0)
            throw new IsthmusException($"PreResNet depth {depth} does not fit {(bottleneck ? "bottleneck" : "basic")} blocks; use depth = {perBlock}n + 2 (e.g. {(bottleneck ? 164 : 110)}).");
        int n = (depth - 2) / perBlock;
        int expansion = bottleneck ? 4 : 1;

        _conv1 = new Conv2d(Builder, "conv1", data.InputShape[0], 16, 3, padding: 1, bias: false, weightInit: ReferenceInit.ConvHeNormal(3, 16));
        var groups = new ResidualGroups();
        groups.Start("conv1", 16, PermutationGroup.Produced("conv1", bias: false));
        _stages = new ResidualStages(Builder, n, 16, [16, 32, 64], expansion,
            (name, inPlanes, planes, stride) => new Block(Builder, name, inPlanes, planes, stride, bottleneck, groups).Forward,
            norm: "bn", classifier: "fc", data.Classes, groups);
        _groups = groups.Finish();
    }

    /// <summary>The residual stream of each stage (with the stem's where a shortcut follows it) and each block's hidden convolutions.</summary>
    public override IReadOnlyList<PermutationGroup> PermutationGroups => _groups;

    /// <summary>Convolutions (grouped over stacked points), batch norm per point, linear layers: stacked points pass through together.</summary>
    public override bool EvaluatesStackedPoints => true;

    public override Tensor Forward(Tensor input)
    {
        var images = ImagesIn(input);
        return _stages.Forward(Stage.Run(images, _conv1.Forward, disposeInput: !ReferenceEquals(images, input)), Features);
    }

    /// <summary>One pre-activation block, basic (bn1-conv1-bn2-conv2) or bottleneck (… bn3-conv3).</summary>
    private sealed class Block
    {
        private readonly (BatchNorm Norm, Conv2d Conv)[] _path;
        private readonly Conv2d? _downsample;

        public Block(LayerBuilder b, string name, long inPlanes, long planes, long stride, bool bottleneck, ResidualGroups groups)
        {
            (long In, long Out, long Kernel, long Stride)[] convs = bottleneck
                ? [(inPlanes, planes, 1, 1), (planes, planes, 3, stride), (planes, 4 * planes, 1, 1)]
                : [(inPlanes, planes, 3, stride), (planes, planes, 3, 1)];
            _path = new (BatchNorm, Conv2d)[convs.Length];
            for (int i = 0; i < convs.Length; i++)
            {
                var (cin, cout, k, s) = convs[i];
                _path[i] = (new BatchNorm(b, $"{name}.bn{i + 1}", cin),
                            new Conv2d(b, $"{name}.conv{i + 1}", cin, cout, k, s, padding: k / 2, bias: false, weightInit: ReferenceInit.ConvHeNormal(k, cout)));
            }
            long outPlanes = convs[^1].Out;
            if (stride != 1 || inPlanes != outPlanes)
                _downsample = new Conv2d(b, $"{name}.downsample.0", inPlanes, outPlanes, 1, stride, bias: false, weightInit: ReferenceInit.ConvHeNormal(1, outPlanes));
            groups.Block(convs.Select((c, i) => ($"{name}.bn{i + 1}", $"{name}.conv{i + 1}", c.Out)).ToArray(),
                _downsample is null ? null : $"{name}.downsample.0", bias: false);
        }

        public Tensor Forward(Tensor x)
        {
            var residual = _downsample is null ? x : _downsample.Forward(x);
            // ReLU in place on the batch norm's output, as the reference's ReLU(inplace=True): batch norm's backward
            // reads its input, not its output, so one tensor per layer instead of two. Each tensor is freed once the
            // next layer has read it (what autograd saved stays alive), so evaluation holds what PyTorch's would.
            var y = x;
            foreach (var (norm, conv) in _path)
            {
                var a = norm.Forward(y).relu_();
                if (!ReferenceEquals(y, x)) y.Dispose();
                y = conv.Forward(a);
                a.Dispose();
            }
            return y.add_(residual);
        }
    }
}
