using Isthmus.Nn.Layers;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn.Models;

/// <summary>
/// VGG-16 for CIFAR as in the reference code of Garipov et al. (models/vgg.py): thirteen 3×3 convolutions in five
/// blocks [64,64 | 128,128 | 256×3 | 512×3 | 512×3], ReLU, 2×2 max pooling after each block, then the classifier
/// Dropout, Linear(512, 512), ReLU, Dropout, Linear(512, 512), ReLU, Linear(512, classes). Option <c>bn</c> adds batch
/// norm after each convolution (the reference's VGG16BN).
/// </summary>
/// <remarks>
/// Names are the reference's state-dict names, so its checkpoints load by name: <c>layer_blocks.{block}.{i}</c> for the
/// convolutions (and their batch norms, interleaved), <c>classifier.1</c>, <c>classifier.4</c>, <c>classifier.6</c>.
/// Convolutions are He-normal with fan-out and zero bias, as the reference initialises them; linear layers keep
/// PyTorch's default. Five poolings need at least 32×32: smaller inputs (28×28 MNIST) are zero-padded to 32×32 before
/// the first convolution, so the classifier sees 512 features exactly as on CIFAR. Larger inputs keep their size and
/// the first classifier layer takes 512·s·s features.
/// <para>With <c>bn</c> every convolution runs as Conv → BN → ReLU. The reference's VGG16BN declares the same
/// parameters but its forward zips [conv, bn, conv, bn, …] with one ReLU per convolution and so skips the later
/// convolutions of each block (reported as #2 on timgaripov/dnn-mode-connectivity's tracker): its checkpoints load here by name but
/// compute a different function.</para>
/// </remarks>
public sealed class Vgg16 : Network
{
    private static readonly int[][] Blocks = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
    private const long MinSize = 32; // 2^5: five 2×2 poolings

    private readonly (Conv2d Conv, BatchNorm? Norm)[][] _blocks;
    private readonly Dropout _dropout1, _dropout2;
    private readonly Linear _fc1, _fc2, _fc3;
    private readonly long[] _pad; // left, right, top, bottom
    private readonly List<PermutationGroup> _groups = new();

    public Vgg16(ArchitectureSpec spec, DataShape data) : base(spec)
    {
        bool bn = spec.Flag("bn");
        long channels = data.InputShape[0], height = data.InputShape[1], width = data.InputShape[2];
        long padH = Math.Max(0, MinSize - height), padW = Math.Max(0, MinSize - width);
        _pad = [padW / 2, padW - padW / 2, padH / 2, padH - padH / 2];
        height += padH;
        width += padW;

        _blocks = new (Conv2d, BatchNorm?)[Blocks.Length][];
        var convs = new List<(string Conv, string? Norm, long Channels)>();
        for (int b = 0; b < Blocks.Length; b++)
        {
            _blocks[b] = new (Conv2d, BatchNorm?)[Blocks[b].Length];
            int index = 0;
            for (int i = 0; i < Blocks[b].Length; i++)
            {
                long outChannels = Blocks[b][i];
                var conv = new Conv2d(Builder, $"layer_blocks.{b}.{index++}", channels, outChannels, 3, padding: 1,
                    weightInit: ReferenceInit.ConvHeNormal(3, outChannels));
                var norm = bn ? new BatchNorm(Builder, $"layer_blocks.{b}.{index++}", outChannels) : null;
                _blocks[b][i] = (conv, norm);
                convs.Add(($"layer_blocks.{b}.{index - (bn ? 2 : 1)}", bn ? $"layer_blocks.{b}.{index - 1}" : null, outChannels));
                channels = outChannels;
            }
            height /= 2;
            width /= 2;
        }
        _dropout1 = new Dropout(Builder);
        _fc1 = new Linear(Builder, "classifier.1", channels * height * width, 512);
        _dropout2 = new Dropout(Builder);
        _fc2 = new Linear(Builder, "classifier.4", 512, 512);
        _fc3 = new Linear(Builder, "classifier.6", 512, data.Classes);
        // Each convolution's channels (with their batch norm), read by the next convolution or, flattened in blocks of
        // the last feature map's size, by the classifier; then the classifier's two hidden layers.
        for (int i = 0; i < convs.Count; i++)
            _groups.Add(PermutationGroup.Between(convs[i].Conv, convs[i].Channels,
                convs[i].Norm is { } norm ? PermutationGroup.BatchNorm(norm) : [],
                [i + 1 < convs.Count ? PermutationGroup.ReadBy(convs[i + 1].Conv) : PermutationGroup.ReadBy("classifier.1", height * width)]));
        _groups.Add(PermutationGroup.Between("classifier.1", 512, [], [PermutationGroup.ReadBy("classifier.4")]));
        _groups.Add(PermutationGroup.Between("classifier.4", 512, [], [PermutationGroup.ReadBy("classifier.6")]));
    }

    /// <summary>The thirteen convolutions' channels, then the units of the classifier's two hidden layers.</summary>
    public override IReadOnlyList<PermutationGroup> PermutationGroups => _groups;

    /// <summary>Convolutions (grouped over stacked points), batch norm per point, linear layers: stacked points pass through together.</summary>
    public override bool EvaluatesStackedPoints => true;

    /// <summary>
    /// Training steps stay NCHW: channels-last measured 1.5× slower for VGG-16 and no faster with batch norm, on 2 CPU
    /// cores at batch 64 (docs/performance.md); evaluation is 1.5× faster in it.
    /// </summary>
    protected override bool TrainsChannelsLast => false;

    public override Tensor Forward(Tensor input)
    {
        bool padded = _pad.Any(p => p > 0);
        var images = ImagesIn(input);
        var x = padded ? nn.functional.pad(images, _pad) : images;
        bool owned = padded || !ReferenceEquals(images, input); // the caller's input is never disposed here
        foreach (var block in _blocks)
        {
            // One stage per layer (Nn.Stage): each output is freed once the next layer has read it, so at most two of
            // these tensors live at a time in evaluation, as in PyTorch. ReLU runs in place, as the reference's
            // ReLU(inplace=True): neither a convolution's nor batch norm's backward reads its output.
            foreach (var (conv, norm) in block)
            {
                x = norm is null ? Stage.Run(x, y => conv.Forward(y).relu_(), owned)
                    : Stage.Run(Stage.Run(x, conv.Forward, owned), y => norm.Forward(y).relu_(), disposeInput: true);
                owned = true;
            }
            x = Stage.Run(x, y => nn.functional.max_pool2d(y, 2, 2), disposeInput: true);
        }
        return Stage.Run(x, y =>
        {
            var h = _fc1.Forward(_dropout1.Forward(Features(y))).relu_();
            h = _fc2.Forward(_dropout2.Forward(h)).relu_();
            return _fc3.Forward(h);
        }, disposeInput: true);
    }
}
