using Isthmus.Nn.Layers;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn.Models;

/// <summary>
/// LeNet-5 (conv 6 → pool → conv 16 → pool → 120 → 84 → classes, ReLU, max pooling). On 28×28 inputs the first
/// convolution pads by 2 so the feature maps match the classic 32×32 design.
/// </summary>
public sealed class LeNet5 : Network
{
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear _fc1, _fc2, _fc3;
    private readonly PermutationGroup[] _groups;

    public LeNet5(ArchitectureSpec spec, DataShape data) : base(spec)
    {
        long channels = data.InputShape[0], size = data.InputShape[1];
        long pad = size < 32 ? (32 - size + 1) / 2 : 0;
        _conv1 = new Conv2d(Builder, "conv1", channels, 6, 5, padding: pad);
        _conv2 = new Conv2d(Builder, "conv2", 6, 16, 5);
        long s = (_conv1.OutputSize(size, 5)) / 2;
        s = (s - 4) / 2;
        _fc1 = new Linear(Builder, "fc1", 16 * s * s, 120);
        _fc2 = new Linear(Builder, "fc2", 120, 84);
        _fc3 = new Linear(Builder, "fc3", 84, data.Classes);
        _groups =
        [
            PermutationGroup.Between("conv1", 6, [], [PermutationGroup.ReadBy("conv2")]),
            PermutationGroup.Between("conv2", 16, [], [PermutationGroup.ReadBy("fc1", s * s)]),
            PermutationGroup.Between("fc1", 120, [], [PermutationGroup.ReadBy("fc2")]),
            PermutationGroup.Between("fc2", 84, [], [PermutationGroup.ReadBy("fc3")]),
        ];
    }

    /// <summary>Convolutions (grouped over stacked points), batch norm per point, linear layers: stacked points pass through together.</summary>
    public override bool EvaluatesStackedPoints => true;

    /// <summary>Channels of both convolutions, units of both hidden linear layers.</summary>
    public override IReadOnlyList<PermutationGroup> PermutationGroups => _groups;

    public override Tensor Forward(Tensor input)
    {
        var x = nn.functional.max_pool2d(nn.functional.relu(_conv1.Forward(ImagesIn(input))), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(_conv2.Forward(x)), 2);
        x = nn.functional.relu(_fc1.Forward(Features(x)));
        x = nn.functional.relu(_fc2.Forward(x));
        return _fc3.Forward(x);
    }
}
