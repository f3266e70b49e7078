using Isthmus.Nn.Layers;

namespace Isthmus.Nn.Models;

/// <summary>
/// The paper's 3conv3fc: three 5×5 convolutions (32, 64, 128 channels, ReLU, 3×3 max pooling with stride 2), then
/// fully connected 1000 → 1000 → classes. Named like the reference code's <c>conv_part</c>/<c>fc_part</c>
/// Sequentials. Options: <c>width_factor</c> K scales every hidden layer (docs/science.md §2, A.7); <c>bn</c> adds batch
/// norm after each convolution.
/// </summary>
public sealed class ConvFc : Network
{
    private readonly Conv2d[] _convs = new Conv2d[3];
    private readonly BatchNorm?[] _norms = new BatchNorm?[3];
    private readonly Linear[] _fcs = new Linear[3];

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
        for (int i = 0; i < 3; i++)
        {
            _convs[i] = new Conv2d(Builder, $"conv_part.{index}", channels[i], channels[i + 1], 5, padding: 2);
            index++;
            if (bn) { _norms[i] = new BatchNorm(Builder, $"conv_part.{index}", channels[i + 1]); index++; }
            index += 2; // ReLU, MaxPool
            size = (size - 3) / 2 + 1;
        }
        long hidden = Scale(1000);
        long[] fc = [channels[3] * size * size, hidden, hidden, data.Classes];
        for (int i = 0; i < 3; i++)
            _fcs[i] = new Linear(Builder, $"fc_part.{2 * i}", fc[i], fc[i + 1]);
    }

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < 3; i++)
        {
            x = _convs[i].Forward(x);
            if (_norms[i] is { } norm) x = norm.Forward(x);
            x = nn.functional.max_pool2d(nn.functional.relu(x), 3, 2);
        }
        x = x.flatten(1);
        for (int i = 0; i < 3; i++)
        {
            x = _fcs[i].Forward(x);
            if (i < 2) x = nn.functional.relu(x);
        }
        return x;
    }
}
