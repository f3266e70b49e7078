namespace Isthmus.Tests.Storage;

public sealed class CheckpointTests
{
    private static Network Net(string widths, long seed, string model = "mlp")
    {
        var spec = new ArchitectureSpec(model).With(model == "mlp" ? "widths" : "width_factor", widths);
        var net = ModelZoo.Build(spec, new DataShape([1, 28, 28], 10));
        net.Bind(WeightSpace.Create(net.Layout, 1, seed: seed));
        return net;
    }

    [Fact]
    public void A_saved_network_loads_back_into_the_same_architecture_with_identical_outputs()
    {
        using var dir = new TempFolder();
        using var a = Net("32,16", 1);
        using var b = Net("32,16", 2);
        Checkpoint.Save(dir["m.safetensors"], a);
        Checkpoint.Load(dir["m.safetensors"], b);
        using var x = randn(4, 1, 28, 28);
        Assert.True(Tensors.Same(a.Forward(x), b.Forward(x)));
    }

    [Fact]
    public void Batch_norm_buffers_travel_with_the_weights()
    {
        using var dir = new TempFolder();
        var spec = new ArchitectureSpec("convfc").With("width_factor", "0.25").With("bn", "true");
        using var a = ModelZoo.Build(spec, new DataShape([1, 28, 28], 10));
        a.Bind(WeightSpace.Create(a.Layout, 1, seed: 1));
        a.Training = true;
        using (no_grad()) a.Forward(randn(8, 1, 28, 28));
        Checkpoint.Save(dir["bn.safetensors"], a);
        using var b = ModelZoo.Build(spec, new DataShape([1, 28, 28], 10));
        b.Bind(WeightSpace.Create(b.Layout, 1, seed: 2));
        Checkpoint.Load(dir["bn.safetensors"], b);
        Assert.True(a.Buffers.TryGet("conv_part.1.running_mean", out var ma));
        Assert.True(b.Buffers.TryGet("conv_part.1.running_mean", out var mb));
        Assert.True(Tensors.Same(ma, mb));
        using var x = randn(3, 1, 28, 28);
        a.Training = b.Training = false;
        Assert.True(Tensors.Same(a.Forward(x), b.Forward(x)));
    }

    [Fact]
    public void Another_width_is_refused_naming_the_parameter_and_both_shapes()
    {
        using var dir = new TempFolder();
        using var a = Net("32,16", 1);
        using var b = Net("64,16", 1);
        Checkpoint.Save(dir["m.safetensors"], a);
        var e = Assert.Throws<IsthmusException>(() => Checkpoint.Load(dir["m.safetensors"], b));
        Assert.Contains("layers.0.weight", e.Message);
        Assert.Contains("[32, 784]", e.Message);
        Assert.Contains("[64, 784]", e.Message);
    }

    [Fact]
    public void Another_architecture_is_refused_naming_a_missing_parameter()
    {
        using var dir = new TempFolder();
        using var a = Net("32,16", 1);
        Checkpoint.Save(dir["m.safetensors"], a);
        using var lenet = ModelZoo.Build(new ArchitectureSpec("lenet5"), new DataShape([1, 28, 28], 10));
        lenet.Bind(WeightSpace.Create(lenet.Layout, 1));
        var e = Assert.Throws<IsthmusException>(() => Checkpoint.Load(dir["m.safetensors"], lenet));
        Assert.Contains("conv1.weight", e.Message);
        Assert.Contains("another architecture", e.Message);
    }

    [Fact]
    public void Checkpoints_carry_the_pytorch_format_tag()
    {
        using var dir = new TempFolder();
        using var a = Net("8", 1);
        Checkpoint.Save(dir["m.safetensors"], a);
        using var file = Safetensors.Load(dir["m.safetensors"]);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"], file.Names);
    }
}
