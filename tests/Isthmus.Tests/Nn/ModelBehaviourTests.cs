using Isthmus.Nn.Layers;
using Isthmus.Nn.Models;

namespace Isthmus.Tests.Nn;

/// <summary>Initialisation, zero-copy reads and recurrent state: what the models promise beyond their shapes.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class ModelBehaviourTests
{
    [Fact]
    public void One_control_point_space_hands_out_the_control_tensor_itself()
    {
        using var net = ModelZoo.Build(new ArchitectureSpec("mlp").With("widths", "4"), new DataShape([1, 2, 2], 3));
        using var space = WeightSpace.Create(net.Layout, seed: 3);
        net.Bind(space);
        for (int i = 0; i < net.Layout.Count; i++)
        {
            Assert.Same(space.Control(0, i), space.Point(i));
            Assert.Equal(space.Control(0, i).Handle, space.Point(i).Handle);
            Assert.Equal(space.Control(0, i).storage<float>().data_ptr(), space.Point(i).storage<float>().data_ptr());
        }

        using var copy = space.Control(0, 0).detach().clone(); // the pointer comparison can tell a copy apart
        Assert.NotEqual(copy.storage<float>().data_ptr(), space.Point(0).storage<float>().data_ptr());

        var x = ones(1, 1, 2, 2);
        using (no_grad()) space.Control(0, net.Layout.IndexOf("layers.2.bias")).fill_(5);
        using (no_grad()) space.Control(0, net.Layout.IndexOf("layers.2.weight")).zero_();
        var logits = net.Forward(x);
        Assert.True(Close.Identical(full(1, 3, 5f), logits));
    }

    [Fact]
    public void Vgg16_convolutions_start_he_normal_with_fan_out_and_zero_bias()
    {
        using var net = ModelZoo.Build(new ArchitectureSpec("vgg16"), new DataShape([3, 32, 32], 10));
        using var space = WeightSpace.Create(net.Layout, seed: 0);
        var w = space.Point(net.Layout.IndexOf("layer_blocks.4.0.weight")); // 512·512·9 draws
        Assert.Equal(Math.Sqrt(2.0 / (9 * 512)), w.std().item<float>(), 3e-4);
        Assert.Equal(0.0, w.mean().item<float>(), 1e-4);
        Assert.Equal(0f, space.Point(net.Layout.IndexOf("layer_blocks.0.0.bias")).abs().max().item<float>());
        Assert.Equal(1.0 / Math.Sqrt(512), space.Point(net.Layout.IndexOf("classifier.4.weight")).abs().max().item<float>(), 1e-3);
    }

    [Fact]
    public void Vgg16_pads_28_pixel_images_to_32_so_its_classifier_sees_512_features()
    {
        using var net = ModelZoo.Build(new ArchitectureSpec("vgg16"), new DataShape([1, 28, 28], 10));
        Assert.Equal(new long[] { 512, 512 }, net.Layout.Specs[net.Layout.IndexOf("classifier.1.weight")].Shape);
    }

    [Fact]
    public void PreResNet_starts_with_unit_batch_norm_and_he_normal_convolutions()
    {
        using var net = ModelZoo.Build(new ArchitectureSpec("preresnet164"), new DataShape([3, 32, 32], 10));
        using var space = WeightSpace.Create(net.Layout, seed: 0);
        Assert.True(Close.Identical(ones(256), space.Point(net.Layout.IndexOf("layer3.17.bn1.weight"))));
        Assert.True(Close.Identical(zeros(64), space.Point(net.Layout.IndexOf("layer3.17.bn2.bias"))));
        var w = space.Point(net.Layout.IndexOf("layer3.0.conv3.weight")); // [256, 64, 1, 1]: n = 256
        Assert.Equal(Math.Sqrt(2.0 / 256), w.std().item<float>(), 2e-3);
    }

    private static (LstmLanguageModel Net, WeightSpace Space) SmallLanguageModel(int layers = 2)
    {
        var spec = new ArchitectureSpec("lstm-lm").With("hidden", "8").With("dropout", "0.5").With("layers", layers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var net = (LstmLanguageModel)ModelZoo.Build(spec, new DataShape([], 20));
        var space = WeightSpace.Create(net.Layout, seed: 7);
        net.Bind(space);
        return (net, space);
    }

    [Fact]
    public void Language_model_carries_its_state_so_two_chunks_equal_one_long_sequence()
    {
        var (net, space) = SmallLanguageModel();
        using var _n = net;
        using var _s = space;
        using var _g = no_grad();
        var ids = tensor(new long[] { 1, 4, 7, 2, 19, 0, 3, 3, 11, 5, 6, 8 }).reshape(6, 2);

        var whole = net.Forward(ids);
        net.ResetState();
        var first = net.Forward(ids[..3]);
        var second = net.Forward(ids[3..]);
        Close.Assert(whole, cat([first, second], 0));

        net.ResetState();
        Close.Assert(whole[..6], net.Forward(ids[..3])); // a reset starts from zeros again
    }

    [Fact]
    public void Language_model_detaches_its_state_between_truncated_bptt_chunks()
    {
        var (net, space) = SmallLanguageModel();
        using var _n = net;
        using var _s = space;
        var ids = tensor(new long[] { 1, 4, 7, 2, 19, 0 }).reshape(3, 2);
        using (var scope = NewDisposeScope())
        {
            net.Forward(ids).sum().backward();
        }
        // The state outlives the step's dispose scope and still hangs on the graph until detached.
        Assert.NotNull(net.State);
        Assert.True(net.State![1].H.requires_grad);
        net.DetachState();
        Assert.False(net.State![1].H.requires_grad);
        Assert.Equal(new long[] { 2, 8 }, net.State[0].C.shape);

        // A batch of another size starts from zeros rather than failing.
        using var _g = no_grad();
        Assert.Equal(new long[] { 3, 20 }, net.Forward(tensor(new long[] { 1, 2, 3 }).reshape(1, 3)).shape);
    }

    [Fact]
    public void Tied_language_model_decodes_with_the_embedding_table()
    {
        var spec = new ArchitectureSpec("lstm-lm").With("hidden", "4").With("layers", "1").With("tie", "true");
        using var net = ModelZoo.Build(spec, new DataShape([], 6));
        using var space = WeightSpace.Create(net.Layout, seed: 2);
        net.Bind(space);
        using var _g = no_grad();
        var ids = tensor(new long[] { 0, 5 }).reshape(1, 2);
        var before = net.Forward(ids);
        net.ResetState();
        space.Control(0, net.Layout.IndexOf("encoder.weight"))[3].add_(1.0); // changes both input and output of token 3
        var after = net.Forward(ids);
        Assert.True(after[.., 3].sub(before[.., 3]).abs().min().item<float>() > 1e-3);
    }

    [Fact]
    public void Tied_language_model_holds_one_table_that_learns_from_input_and_output()
    {
        var spec = new ArchitectureSpec("lstm-lm").With("hidden", "4").With("layers", "1").With("dropout", "0").With("tie", "true");
        using var net = ModelZoo.Build(spec, new DataShape([], 6));
        using var untied = ModelZoo.Build(spec.With("tie", "false"), new DataShape([], 6));
        Assert.Single(net.Layout.Specs, p => p.Shape.SequenceEqual(new long[] { 6, 4 }));
        Assert.Equal(untied.Layout.TotalElements - 6 * 4, net.Layout.TotalElements);
        using var space = WeightSpace.Create(net.Layout, seed: 2);
        net.Bind(space);
        var ids = tensor(new long[] { 0, 5 }).reshape(1, 2);
        nn.functional.cross_entropy(net.Forward(ids), tensor(new long[] { 3, 3 })).backward();
        // Token 3 is never read, so only the decoder's use of the shared table can give its row a gradient.
        var grad = space.Point(net.Layout.IndexOf("encoder.weight")).grad!;
        Assert.True(grad[3].abs().sum().item<float>() > 1e-4);
        Assert.True(grad[0].abs().sum().item<float>() > 1e-4); // and the rows read as input too
    }

    /// <summary>An LSTM of <paramref name="layers"/> layers whose dropout between layers can be switched off; same weights either way.</summary>
    private static (LayerHost Host, WeightSpace Space, Func<Tensor, bool, Tensor> Run) Stacked(int layers)
    {
        Lstm? lstm = null;
        Dropout? between = null;
        var host = new LayerHost(b =>
        {
            lstm = new Lstm(b, "rnn", 3, 5, layers);
            between = new Dropout(b, 0.5);
            return x => x;
        });
        var space = WeightSpace.Create(host.Layout, seed: 6);
        host.Bind(space);
        return (host, space, (x, drop) =>
        {
            (Tensor H, Tensor C)[]? state = null;
            return lstm!.Forward(x, ref state, drop ? between : null);
        });
    }

    [Fact]
    public void Lstm_drops_out_between_its_layers_in_train_mode_only()
    {
        using var _g = no_grad();
        var x = randn(4, 2, 3);
        var (two, twoSpace, runTwo) = Stacked(layers: 2);
        using var _t = two;
        using var _ts = twoSpace;
        two.Training = true;
        manual_seed(1);
        Assert.False(runTwo(x, true).allclose(runTwo(x, false)));   // the second layer reads a thinned first layer
        two.Training = false;
        Assert.True(Close.Identical(runTwo(x, false), runTwo(x, true)));

        var (one, oneSpace, runOne) = Stacked(layers: 1);
        using var _o = one;
        using var _os = oneSpace;
        one.Training = true;
        Assert.True(Close.Identical(runOne(x, false), runOne(x, true))); // nothing lies between: no dropout after the last layer
    }

    [Fact]
    public void Language_model_with_dropout_is_deterministic_in_eval_mode_and_random_in_train_mode()
    {
        var (net, space) = SmallLanguageModel(layers: 2);
        using var _n = net;
        using var _s = space;
        using var _g = no_grad();
        var ids = tensor(new long[] { 1, 4, 7, 2, 19, 0 }).reshape(3, 2);
        net.Training = false;
        var a = net.Forward(ids);
        net.ResetState();
        Close.Assert(a, net.Forward(ids), 0);
        net.Training = true;
        manual_seed(3);
        net.ResetState();
        var b = net.Forward(ids);
        net.ResetState();
        Assert.False(b.allclose(net.Forward(ids)));
    }
}
