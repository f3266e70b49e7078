using Isthmus.Nn.Layers;

namespace Isthmus.Tests.Nn;

/// <summary>Each layer, given the same weights, computes what TorchSharp's own module computes.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class LayerParityTests
{
    [Fact]
    public void Linear_matches_torch_Linear()
    {
        torch.manual_seed(1);
        using var reference = nn.Linear(5, 3);
        using var net = new LayerHost(b => new Linear(b, "fc", 5, 3).Forward);
        using var space = net.BindWeightsOf(reference, "fc");
        var x = randn(4, 5);
        Close.Assert(reference.forward(x), net.Forward(x));
    }

    [Fact]
    public void Conv2d_with_stride_and_padding_matches_torch_Conv2d()
    {
        torch.manual_seed(2);
        using var reference = nn.Conv2d(2, 3, 3, stride: 2, padding: 1);
        using var net = new LayerHost(b => new Conv2d(b, "conv", 2, 3, 3, stride: 2, padding: 1).Forward);
        using var space = net.BindWeightsOf(reference, "conv");
        var x = randn(2, 2, 7, 7);
        var y = net.Forward(x);
        Assert.Equal(new long[] { 2, 3, 4, 4 }, y.shape);
        Close.Assert(reference.forward(x), y);
    }

    [Fact]
    public void BatchNorm_matches_torch_BatchNorm2d_in_train_and_eval_mode_with_momentum_0_1()
    {
        torch.manual_seed(3);
        using var reference = nn.BatchNorm2d(3);
        using (no_grad())
        {
            reference.weight!.uniform_(0.5, 1.5);
            reference.bias!.uniform_(-0.5, 0.5);
        }
        BatchNorm? layer = null;
        using var net = new LayerHost(b => (layer = new BatchNorm(b, "bn", 3)).Forward);
        using var space = net.BindWeightsOf(reference, "bn");
        Assert.Equal(0.1, net.BatchNormMomentum);

        reference.train();
        net.Training = true;
        for (int i = 0; i < 4; i++)
        {
            var x = randn(4, 3, 5, 5) * (i + 1) + i;
            Close.Assert(reference.forward(x), net.Forward(x));
        }
        Close.Assert(reference.running_mean!, BufferOf(net, "bn.running_mean"));
        Close.Assert(reference.running_var!, BufferOf(net, "bn.running_var"));
        Assert.Equal(4L, BufferOf(net, "bn.num_batches_tracked").item<long>());

        reference.eval();
        net.Training = false;
        var test = randn(2, 3, 5, 5);
        Close.Assert(reference.forward(test), net.Forward(test));
        Close.Assert(reference.running_mean!, BufferOf(net, "bn.running_mean")); // eval leaves the statistics alone
    }

    [Fact]
    public void BatchNorm_with_null_momentum_keeps_the_plain_average_of_the_batch_statistics()
    {
        torch.manual_seed(4);
        using var reference = nn.BatchNorm2d(3);
        reference.momentum = null;
        using var net = new LayerHost(b => new BatchNorm(b, "bn", 3).Forward);
        using var space = net.BindWeightsOf(reference, "bn");
        net.BatchNormMomentum = null;
        net.Training = true;
        reference.train();

        var batches = Enumerable.Range(0, 3).Select(i => randn(6, 3, 4, 4) * (i + 1) + 2 * i).ToArray();
        foreach (var x in batches) Close.Assert(reference.forward(x), net.Forward(x));

        var meanOfMeans = stack(batches.Select(x => x.mean([0, 2, 3])).ToArray()).mean([0]);
        var meanOfVars = stack(batches.Select(x => x.var([0, 2, 3], unbiased: true)).ToArray()).mean([0]);
        Close.Assert(meanOfMeans, BufferOf(net, "bn.running_mean"));
        Close.Assert(meanOfVars, BufferOf(net, "bn.running_var"));
        Close.Assert(reference.running_mean!, BufferOf(net, "bn.running_mean"));
        Close.Assert(reference.running_var!, BufferOf(net, "bn.running_var"));

        // Recomputing the statistics for another point starts the average afresh.
        net.ResetBatchNormStatistics();
        net.Forward(batches[2]);
        Close.Assert(batches[2].mean([0, 2, 3]), BufferOf(net, "bn.running_mean"));
    }

    [Fact]
    public void Dropout_is_the_identity_in_eval_mode_and_draws_torch_Dropout_mask_in_train_mode()
    {
        using var reference = nn.Dropout(0.5);
        using var net = new LayerHost(b => new Dropout(b, 0.5).Forward);
        net.Bind(Isthmus.Space.WeightSpace.CreateEmpty(net.Layout));
        var x = rand(8, 50) + 0.1;

        net.Training = false;
        Assert.True(Close.Identical(x, net.Forward(x)));

        net.Training = true;
        torch.manual_seed(42);
        var ours = net.Forward(x);
        reference.train();
        torch.manual_seed(42);
        var theirs = reference.forward(x);
        Assert.True(Close.Identical(theirs, ours));
        var dropped = ours.eq(0).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(dropped, 0.35f, 0.65f);
        Close.Assert(x.mul(2).masked_fill(ours.eq(0), 0), ours); // survivors are scaled by 1/(1-p)
    }

    [Fact]
    public void Embedding_matches_torch_Embedding()
    {
        torch.manual_seed(5);
        using var reference = nn.Embedding(10, 4);
        using var net = new LayerHost(b => new Embedding(b, "encoder", 10, 4).Forward);
        using var space = net.BindWeightsOf(reference, "encoder");
        var ids = tensor(new long[] { 0, 3, 9, 3, 1, 7 }).reshape(3, 2);
        var y = net.Forward(ids);
        Assert.Equal(new long[] { 3, 2, 4 }, y.shape);
        Close.Assert(reference.forward(ids), y);
    }

    [Fact]
    public void Two_layer_Lstm_matches_torch_LSTM_output_and_final_state()
    {
        torch.manual_seed(6);
        using var reference = nn.LSTM(3, 5, numLayers: 2);
        Lstm? lstm = null;
        (Tensor H, Tensor C)[]? state = null;
        using var net = new LayerHost(b =>
        {
            lstm = new Lstm(b, "rnn", 3, 5, numLayers: 2);
            return x => lstm.Forward(x, ref state);
        });
        using var space = net.BindWeightsOf(reference, "rnn");
        Assert.True(net.Layout.TryIndexOf("rnn.weight_hh_l1", out _));

        var x = randn(4, 2, 3);
        var (expected, hn, cn) = reference.forward(x);
        Close.Assert(expected, net.Forward(x));
        for (int l = 0; l < 2; l++)
        {
            Close.Assert(hn[l], state![l].H);
            Close.Assert(cn[l], state[l].C);
        }

        // From a given state: the final state of the first call continues the sequence.
        var more = randn(3, 2, 3);
        var (expected2, hn2, cn2) = reference.forward(more, (hn, cn));
        Close.Assert(expected2, net.Forward(more));
        Close.Assert(hn2[1], state![1].H);
        Close.Assert(cn2[0], state[0].C);
    }

    private static Tensor BufferOf(Isthmus.Nn.Network net, string name) =>
        net.Buffers.TryGet(name, out var t) ? t : throw new KeyNotFoundException(name);
}
