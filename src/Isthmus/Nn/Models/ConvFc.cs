using Isthmus.Nn.Layers;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn.Models;

/// <summary>
/// The paper's 3conv3fc: three 5×5 convolutions (32, 64, 128 channels, ReLU, 3×3 max pooling with stride 2), then
/// fully connected 1000 → 1000 → classes. Named like the reference code's <c>conv_part</c>/<c>fc_part</c>
/// Sequentials. Options: <c>width_factor</c> K scales every hidden layer (docs/science.md §2, A.7); <c>bn</c> adds batch
/// norm after each convolution. The convolutions start as the reference's convfc.py starts them: N(0, 2/(5·5·out)) with
/// zero bias; the linear layers keep PyTorch's default.
/// </summary>
public sealed class ConvFc : Network
{
    private readonly Conv2d[] _convs = new Conv2d[3];
    private readonly BatchNorm?[] _norms = new BatchNorm?[3];
    private readonly Linear[] _fcs = new Linear[3];
    private readonly List<PermutationGroup> _groups = new();

    public ConvFc(ArchitectureSpec spec, DataShape data) : base(spec)
    {
        double k = spec.Number("width_factor", 1.0);
        if (!(k > 0) || double.IsInfinity(k))
            throw new IsthmusException($"convfc: the width factor must be a positive number (got {k.ToString(System.Globalization.CultureInfo.InvariantCulture)}); e.g. --width-factor 0.5.");
        bool bn = spec.Flag("bn");
        long Scale(int width) => Math.Max(1, (long)Math.Round(width * k));
        long[] channels = [data.InputShape[0], Scale(32), Scale(64), Scale(128)];
        long size = data.InputShape[1];
        int index = 0;
        var convNames = new string[3];
        var normNames = new string?[3];
        for (int i = 0; i < 3; i++)
        {
            convNames[i] = $"conv_part.{index}";
            _convs[i] = new Conv2d(Builder, $"conv_part.{index}", channels[i], channels[i + 1], 5, padding: 2,
                weightInit: ReferenceInit.ConvHeNormal(5, channels[i + 1]));
            index++;
            if (bn) { normNames[i] = $"conv_part.{index}"; _norms[i] = new BatchNorm(Builder, normNames[i]!, channels[i + 1]); index++; }
            index += 2; // ReLU, MaxPool
            size = (size - 3) / 2 + 1;
        }
        long hidden = Scale(1000);
        long[] fc = [channels[3] * size * size, hidden, hidden, data.Classes];
        for (int i = 0; i < 3; i++)
            _fcs[i] = new Linear(Builder, $"fc_part.{2 * i}", fc[i], fc[i + 1]);
        // Channels of each convolution (with their batch norm), read by the next convolution or, flattened in blocks of
        // size², by the first linear layer; then the two hidden linear layers' units.
        for (int i = 0; i < 3; i++)
            _groups.Add(PermutationGroup.Between(convNames[i], channels[i + 1],
                normNames[i] is { } norm ? PermutationGroup.BatchNorm(norm) : [],
                [i < 2 ? PermutationGroup.ReadBy(convNames[i + 1]) : PermutationGroup.ReadBy("fc_part.0", size * size)]));
        for (int i = 0; i < 2; i++)
            _groups.Add(PermutationGroup.Between($"fc_part.{2 * i}", hidden, [], [PermutationGroup.ReadBy($"fc_part.{2 * i + 2}")]));
    }

    /// <summary>Convolutions (grouped over stacked points), batch norm per point, linear layers: stacked points pass through together.</summary>
    public override bool EvaluatesStackedPoints => true;

    /// <summary>Convolution channels, then hidden units of the linear layers.</summary>
    public override IReadOnlyList<PermutationGroup> PermutationGroups => _groups;

    public override Tensor Forward(Tensor input)
    {
        // One stage per layer (Nn.Stage); ReLU in place: neither a convolution's nor batch norm's backward reads its output.
        var x = ImagesIn(input);
        bool owned = !ReferenceEquals(x, input); // the caller's input is never disposed here
        for (int i = 0; i < 3; i++)
        {
            var (conv, norm) = (_convs[i], _norms[i]);
            if (norm is not null) x = Stage.Run(Stage.Run(x, conv.Forward, disposeInput: owned), y => norm.Forward(y).relu_(), disposeInput: true);
            else x = Stage.Run(x, y => conv.Forward(y).relu_(), disposeInput: owned);
            owned = true;
            x = Stage.Run(x, y => nn.functional.max_pool2d(y, 3, 2), disposeInput: true);
        }
        return Stage.Run(x, y =>
        {
            y = Features(y);
            for (int i = 0; i < 3; i++)
            {
                y = _fcs[i].Forward(y);
                if (i < 2) y = y.relu_();
            }
            return y;
        }, disposeInput: true);
    }
}
