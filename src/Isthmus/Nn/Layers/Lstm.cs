using Isthmus.Space;

namespace Isthmus.Nn.Layers;

/// <summary>
/// A multi-layer LSTM with weights read from the weight space, with PyTorch's names (<c>weight_ih_l0</c>, …),
/// gate order (input, forget, cell, output) and init U(−1/√hidden, 1/√hidden). TorchSharp has no functional LSTM,
/// so the recurrence is written out: one fused matrix product for the input of the whole sequence, then one per step.
/// </summary>
public sealed class Lstm
{
    private readonly Network _net;
    private readonly (int Wih, int Whh, int Bih, int Bhh)[] _layers;
    private readonly string _name;

    public long HiddenSize { get; }
    public int NumLayers => _layers.Length;

    /// <summary>The name of layer <paramref name="layer"/>'s hidden units, e.g. <c>rnn.h_l0</c> (as PyTorch names its weights <c>rnn.weight_hh_l0</c>).</summary>
    public static string LayerName(string name, int layer) => $"{name}.h_l{layer}";

    public Lstm(LayerBuilder b, string name, long inputSize, long hiddenSize, int numLayers = 1, Init? init = null)
    {
        _net = b.Network;
        _name = name;
        HiddenSize = hiddenSize;
        var i = init ?? Init.Uniform(1.0 / Math.Sqrt(hiddenSize));
        _layers = new (int, int, int, int)[numLayers];
        for (int l = 0; l < numLayers; l++)
        {
            var inSize = l == 0 ? inputSize : hiddenSize;
            _layers[l] = (
                b.Parameter($"{name}.weight_ih_l{l}", [4 * hiddenSize, inSize], i),
                b.Parameter($"{name}.weight_hh_l{l}", [4 * hiddenSize, hiddenSize], i),
                b.Parameter($"{name}.bias_ih_l{l}", [4 * hiddenSize], i),
                b.Parameter($"{name}.bias_hh_l{l}", [4 * hiddenSize], i));
        }
    }

    /// <summary>
    /// Runs the sequence <paramref name="x"/> [T, B, input]. <paramref name="state"/> holds (h, c) per layer, each
    /// [B, hidden], or null to start from zeros; it is replaced by the final state. Returns [T, B, hidden].
    /// <paramref name="between"/>, if given, acts on each layer's output sequence before the next layer reads it
    /// (not after the last layer): PyTorch's <c>nn.LSTM(dropout=p)</c>, Zaremba et al. (2014)'s dropout on the
    /// non-recurrent connections between layers. Each layer's output sequence, as [T·B, hidden], is a layer output
    /// named <see cref="LayerName"/> (<see cref="Network.LayerOutput"/>); what replaces it is what the next layer reads, while
    /// the recurrence itself carries the layer's own h.
    /// </summary>
    public Tensor Forward(Tensor x, ref (Tensor H, Tensor C)[]? state, Dropout? between = null)
    {
        var space = _net.Space;
        long steps = x.shape[0], batch = x.shape[1];
        var next = new (Tensor H, Tensor C)[_layers.Length];
        var input = x;
        for (int l = 0; l < _layers.Length; l++)
        {
            var (wih, whh, bih, bhh) = _layers[l];
            if (l > 0 && between is not null) input = between.Forward(input);
            var h = state?[l].H ?? zeros([batch, HiddenSize], x.dtype, x.device);
            var c = state?[l].C ?? zeros([batch, HiddenSize], x.dtype, x.device);
            // Input contributions for all steps at once: [T, B, 4H].
            var gatesIn = nn.functional.linear(input, space.Point(wih), space.Point(bih) + space.Point(bhh));
            // The recurrent weight's transposed view once per sequence rather than once per step (Point() is the
            // current point's tensor, already formed; this saves T − 1 small view objects, not arithmetic).
            var recurrent = space.Point(whh).t();
            var outputs = new Tensor[steps];
            for (long t = 0; t < steps; t++)
            {
                var gates = gatesIn[t].addmm(h, recurrent);
                // One sigmoid over all four gates (the cell gate's is unused) instead of three over their slices.
                var sig = gates.sigmoid().chunk(4, 1);
                var gg = gates.narrow(1, 2 * HiddenSize, HiddenSize).tanh();
                c = (sig[1] * c).addcmul_(sig[0], gg, 1);
                h = sig[3] * c.tanh();
                outputs[t] = h;
            }
            next[l] = (h, c);
            input = _net.Tap(LayerName(_name, l), stack(outputs, 0).reshape(steps * batch, HiddenSize)).reshape(steps, batch, HiddenSize);
        }
        state = next;
        return input;
    }
}
