using Isthmus.Nn.Layers;
using Isthmus.Space;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn.Models;

/// <summary>
/// Word-level LSTM language model (Zaremba et al. 2014, "medium": 2 layers of 650, dropout 0.5; PyTorch's
/// word_language_model example): Embedding → Dropout → LSTM (dropout between its layers) → Dropout → Linear decoder
/// to the vocabulary.
/// Input: token ids [T, B] (int64). Output: next-token logits [T·B, vocab].
/// </summary>
/// <remarks>
/// <para>Options: <c>hidden</c> (650, also the embedding size), <c>layers</c> (2), <c>dropout</c> (0.5), <c>tie</c>
/// (false). With <c>tie=true</c> the decoder reads the embedding table <c>encoder.weight</c>: there is then one parameter,
/// and no <c>decoder.weight</c> in the layout (a PyTorch state dict of a tied model lists the same tensor under both
/// names). Names and init follow the PyTorch example: <c>encoder.weight</c> and <c>decoder.weight</c> U(−0.1, 0.1),
/// <c>decoder.bias</c> zero, <c>rnn.weight_ih_l0</c> … with PyTorch's LSTM default. Dropout acts on every non-recurrent
/// connection, as Zaremba et al. (2014, §3) regularise: on the embedding, between LSTM layers (the example's
/// <c>nn.LSTM(dropout=…)</c>) and on the last layer's output; never on the recurrent (h, c), and only in train mode.</para>
/// <para>The recurrent state (h, c) is carried from one <see cref="Forward"/> to the next, so consecutive chunks of a
/// corpus continue one another. It lives outside any dispose scope; <see cref="DetachState"/> cuts the graph between
/// truncated-BPTT chunks, <see cref="ResetState"/> starts from zeros, and a batch of another size starts from zeros
/// by itself.</para>
/// </remarks>
public sealed class LstmLanguageModel : Network
{
    private const double InitRange = 0.1;

    private readonly Embedding _encoder;
    private readonly Dropout _dropIn, _dropBetween, _dropOut;
    private readonly Lstm _rnn;
    private readonly int _decoderWeight;
    private readonly int _decoderBias;
    private (Tensor H, Tensor C)[]? _state;
    private readonly List<PermutationGroup> _groups = new();

    public LstmLanguageModel(ArchitectureSpec spec, DataShape data) : base(spec)
    {
        long hidden = (long)spec.Number("hidden", 650);
        int layers = (int)spec.Number("layers", 2);
        double dropout = spec.Probability("dropout", 0.5);
        bool tie = spec.Flag("tie");
        if (hidden < 1 || layers < 1) throw new IsthmusException($"lstm-lm needs hidden ≥ 1 and layers ≥ 1 (got hidden={hidden}, layers={layers}).");
        long vocab = data.Classes;

        _encoder = new Embedding(Builder, "encoder", vocab, hidden, Init.Uniform(InitRange));
        _dropIn = new Dropout(Builder, dropout);
        _rnn = new Lstm(Builder, "rnn", hidden, hidden, layers);
        _dropBetween = new Dropout(Builder, dropout);
        _dropOut = new Dropout(Builder, dropout);
        _decoderWeight = tie ? Layout.IndexOf("encoder.weight") : Builder.Parameter("decoder.weight", [vocab, hidden], Init.Uniform(InitRange));
        _decoderBias = Builder.Parameter("decoder.bias", [vocab], Init.Constant(0));
        DeclareGroups(hidden, layers, tie);
    }

    /// <summary>
    /// The embedding's dimensions and each LSTM layer's hidden units (Ainsworth et al. 2022, §2, for recurrent networks):
    /// a hidden unit owns one row in each of the four gates' blocks of <c>weight_ih</c>, <c>weight_hh</c> and both
    /// biases, and one column of <c>weight_hh</c> (it feeds itself back), and is read by the next layer's
    /// <c>weight_ih</c> or by the decoder. With tied embeddings the decoder reads the last layer through the embedding
    /// table, so the embedding's dimensions and the last layer's units are one group.
    /// </summary>
    private void DeclareGroups(long hidden, int layers, bool tie)
    {
        var embedding = new List<PermutedAxis> { new("encoder.weight", 1), new PermutedAxis("rnn.weight_ih_l0", 1) };
        for (int l = 0; l < layers; l++)
        {
            var axes = new List<PermutedAxis>();
            foreach (var w in new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" })
                axes.Add(new PermutedAxis($"rnn.{w}_l{l}", 0, Repeat: 4));
            axes.Add(new PermutedAxis($"rnn.weight_hh_l{l}", 1));
            if (l + 1 < layers) axes.Add(new PermutedAxis($"rnn.weight_ih_l{l + 1}", 1));
            else if (tie) axes.AddRange(embedding);
            else axes.Add(PermutationGroup.ReadBy("decoder"));
            _groups.Add(new PermutationGroup(Lstm.LayerName("rnn", l), hidden, axes));
        }
        if (!tie) _groups.Insert(0, new PermutationGroup("encoder", hidden, embedding));
    }

    /// <summary>The embedding's dimensions (untied), then each LSTM layer's hidden units.</summary>
    public override IReadOnlyList<PermutationGroup> PermutationGroups => _groups;

    public override Tensor Forward(Tensor input)
    {
        if (input.dim() != 2) throw new ArgumentException($"lstm-lm reads token ids [T, B]; got a tensor of {input.dim()} dimensions.");
        if (_state is not null && _state[0].H.shape[0] != input.shape[1]) ResetState();

        var x = _dropIn.Forward(_encoder.Forward(input));
        var previous = _state;
        var state = _state;
        x = _rnn.Forward(x, ref state, _dropBetween);
        // Keep the new state past the caller's dispose scope; the previous handles are no longer needed
        // (the graph holds its own references to them).
        foreach (var (h, c) in state!) { h.DetachFromDisposeScope(); c.DetachFromDisposeScope(); }
        DisposeState(previous, except: state);
        _state = state;

        x = _dropOut.Forward(x).reshape(-1, _rnn.HiddenSize);
        return nn.functional.linear(x, Space.Point(_decoderWeight), Space.Point(_decoderBias));
    }

    /// <summary>Final (h, c) of every layer after the last <see cref="Forward"/>, each [B, hidden]; null before the first.</summary>
    public IReadOnlyList<(Tensor H, Tensor C)>? State => _state;

    public override void ResetState()
    {
        DisposeState(_state, except: null);
        _state = null;
    }

    public override void DetachState()
    {
        if (_state is null) return;
        var detached = _state.Select(s => (s.H.detach().DetachFromDisposeScope(), s.C.detach().DetachFromDisposeScope())).ToArray();
        DisposeState(_state, except: null);
        _state = detached;
    }

    private static void DisposeState((Tensor H, Tensor C)[]? state, (Tensor H, Tensor C)[]? except)
    {
        if (state is null) return;
        foreach (var (h, c) in state)
        {
            if (except is null || !except.Any(e => ReferenceEquals(e.H, h))) h.Dispose();
            if (except is null || !except.Any(e => ReferenceEquals(e.C, c))) c.Dispose();
        }
    }
}
