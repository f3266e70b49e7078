namespace Isthmus.Tests.Storage;

/// <summary>Checkpoints PyTorch wrote (torch.save zips and safetensors) loaded into zoo networks of the same names.</summary>
public sealed class TorchCheckpointTests
{
    private static Network Mlp(string widths = "16")
    {
        var net = ModelZoo.Build(new ArchitectureSpec("mlp").With("widths", widths), new DataShape([1, 8, 8], 10));
        net.Bind(WeightSpace.Create(net.Layout, 1, seed: 7));
        return net;
    }

    private static Network ConvFcBn()
    {
        var spec = new ArchitectureSpec("convfc").With("width_factor", "0.125").With("bn", "true");
        var net = ModelZoo.Build(spec, new DataShape([1, 16, 16], 10));
        net.Bind(WeightSpace.Create(net.Layout, 1, seed: 7));
        return net;
    }

    private static double LogitError(Network net, string expectedFile)
    {
        using var expected = StateDict.Read(Fixtures.Data(expectedFile));
        net.Training = false;
        using var _ = no_grad();
        using var logits = net.Forward(expected.Tensors["input"]);
        return (logits - expected.Tensors["logits"]).abs().max().item<float>();
    }

    private static IsthmusException Refusal(string file, Network? net = null)
    {
        using var n = net ?? Mlp();
        var e = Assert.Throws<IsthmusException>(() => Checkpoint.Load(Fixtures.Data(file), n));
        Assert.DoesNotContain("\n", e.Message);
        Assert.EndsWith(".", e.Message.TrimEnd(')'));
        return e;
    }

    [Fact]
    public void A_torch_save_state_dict_holds_the_tensors_PyTorch_wrote()
    {
        using var pt = StateDict.Read(Fixtures.Data("mlp.pt"));
        using var st = StateDict.Read(Fixtures.Data("mlp.safetensors"));
        Assert.Equal(["layers.0.bias", "layers.0.weight", "layers.2.bias", "layers.2.weight"], pt.Names);
        Assert.Equal([16L, 64L], pt.Tensors["layers.0.weight"].shape);
        foreach (var name in pt.Names) Assert.True(Tensors.Same(pt.Tensors[name], st.Tensors[name]), name);
        Assert.NotEqual(0f, pt.Tensors["layers.0.weight"].abs().sum().item<float>());
    }

    [Theory]
    [InlineData("mlp.pt")]
    [InlineData("mlp.safetensors")]
    [InlineData("mlp_module_prefix.pt")]
    public void Mlp_logits_from_a_PyTorch_checkpoint_equal_PyTorchs(string file)
    {
        using var net = Mlp();
        Checkpoint.Load(Fixtures.Data(file), net);
        Assert.True(LogitError(net, "mlp_expected.pt") < 1e-5);
    }

    [Fact]
    public void ConvFc_with_batch_norm_takes_PyTorchs_weights_and_running_statistics()
    {
        using var net = ConvFcBn();
        Checkpoint.Load(Fixtures.Data("convfc_bn.pt"), net);
        Assert.True(LogitError(net, "convfc_bn_expected.pt") < 1e-5);
        Assert.True(net.Buffers.TryGet("conv_part.1.num_batches_tracked", out var count));
        Assert.Equal(3L, count.item<long>());
    }

    [Fact]
    public void A_missing_tensor_is_named_with_its_shape()
    {
        var e = Refusal("mlp_missing.pt");
        Assert.Contains("'layers.2.bias' [10] is missing", e.Message);
        Assert.DoesNotContain("unexpected", e.Message);
    }

    [Fact]
    public void A_renamed_tensor_names_the_first_missing_and_the_first_unexpected_with_shapes()
    {
        var e = Refusal("mlp_renamed.pt");
        Assert.Contains("'layers.2.bias' [10] is missing and 'layers.3.bias' [10] is unexpected", e.Message);
    }

    [Fact]
    public void Another_width_names_the_tensor_and_both_shapes()
    {
        var e = Refusal("mlp.pt", Mlp("32"));
        Assert.Contains("'layers.0.weight' has shape [16, 64]", e.Message);
        Assert.Contains("[32, 64]", e.Message);
    }

    [Theory]
    [InlineData("mlp_whole_model.pt", "whole pickled model")]
    [InlineData("mlp_legacy.pt", "legacy (pre-1.6) format")]
    [InlineData("mlp_training_checkpoint.pt", "not a tensor")]
    public void Files_that_are_not_a_plain_state_dict_are_refused_in_one_sentence(string file, string reason)
    {
        Assert.Contains(reason, Refusal(file).Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_refused()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["junk.pt"], "not a zip");
        using var net = Mlp();
        var e = Assert.Throws<IsthmusException>(() => Checkpoint.Load(dir["junk.pt"], net));
        Assert.Contains("not a torch.save zip file", e.Message);
    }

    [Theory]
    [InlineData("net.pt")]
    [InlineData("net.safetensors")]
    public void An_export_has_exactly_the_names_and_shapes_of_the_PyTorch_module_and_loads_back(string file)
    {
        using var dir = new TempFolder();
        using var a = ConvFcBn();
        a.Training = true;
        using (no_grad()) a.Forward(randn(8, 1, 16, 16));
        Checkpoint.Export(dir[file], a);

        using (var written = StateDict.Read(dir[file]))
        {
            var pytorch = File.ReadAllLines(Fixtures.Data("convfc_bn_keys.txt")).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(pytorch.Keys.Order(StringComparer.Ordinal), written.Names.Order(StringComparer.Ordinal));
            foreach (var name in written.Names)
                Assert.Equal(pytorch[name], "[" + string.Join(", ", written.Tensors[name].shape) + "]");
        }

        using var b = ConvFcBn();
        Checkpoint.Load(dir[file], b);
        using var x = randn(3, 1, 16, 16);
        a.Training = b.Training = false;
        Assert.True(Tensors.Same(a.Forward(x), b.Forward(x)));
    }

    [Fact]
    public void A_checkpoint_without_batch_norm_counters_still_loads()
    {
        using var dir = new TempFolder();
        using (var full = StateDict.Read(Fixtures.Data("convfc_bn.pt")))
            Safetensors.Save(dir["old.safetensors"], full.Names.Where(n => !n.EndsWith("num_batches_tracked")).Select(n => (n, full.Tensors[n])));
        using var net = ConvFcBn();
        Checkpoint.Load(dir["old.safetensors"], net);
        Assert.True(LogitError(net, "convfc_bn_expected.pt") < 1e-5);
    }
}
