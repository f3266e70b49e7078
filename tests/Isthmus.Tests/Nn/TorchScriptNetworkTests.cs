namespace Isthmus.Tests.Nn;

/// <summary>
/// A network written and scripted in PyTorch (tests/fixtures/make_model_fixtures.py: batch norm, a residual block,
/// dropout) as an Isthmus architecture, checked against the numbers PyTorch itself computed.
/// </summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class TorchScriptNetworkTests
{
    private static readonly DataShape Images = new([1, 28, 28], 10);

    internal static string Fixture(string name) => Path.Combine(Repository.Root, "tests", "fixtures", name);

    private static Network Build(string file = "smallnet.pt", bool reinit = false, int controlPoints = 1)
    {
        var spec = TorchScriptNetwork.SpecFor(Fixture(file));
        var net = ModelZoo.Build(reinit ? spec.With("reinit", "true") : spec, Images);
        var space = WeightSpace.Create(net.Layout, controlPoints, seed: 5);
        net.StartFromOwnWeights(space);
        net.Bind(space);
        return net;
    }

    private static double MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void Logits_equal_pytorchs_in_eval_mode()
    {
        using var expected = Safetensors.Load(Fixture("smallnet-expected.safetensors"));
        using var net = Build();
        Assert.Equal(12, net.Layout.Count);
        Assert.Equal("block.bn1.weight", net.Layout.Specs[2].Name);
        using var _ = no_grad();
        var logits = net.Forward(expected.Tensors["input"]);
        Assert.True(MaxDifference(logits, expected.Tensors["logits.seed1"]) < 1e-5);
    }

    [Fact]
    public void Nnpack_is_switched_off_exactly_where_it_cannot_start()
    {
        using var net = Build();
        // Read through libtorch's exported C++ names, which must still resolve in the libtorch shipped with TorchSharp.
        Assert.NotNull(Isthmus.Platform.Nnpack.Enabled);
        Assert.Equal(!Isthmus.Platform.Nnpack.SwitchedOff, Isthmus.Platform.Nnpack.Enabled);
    }

    [Fact]
    public void Recalibrated_statistics_equal_pytorchs_cumulative_average()
    {
        using var expected = Safetensors.Load(Fixture("smallnet-expected.safetensors"));
        using var net = Build();
        BatchNormCalibration.Recompute(net, new FixedBatches(expected.Tensors["calibration"]));
        int compared = 0;
        foreach (var (name, buffer) in net.Buffers.All)
        {
            var want = expected.Tensors["recalibrated." + name];
            if (name.EndsWith("num_batches_tracked")) Assert.Equal(3, buffer.item<long>());
            else Assert.True(MaxDifference(buffer, want) < 1e-5, name);
            compared++;
        }
        Assert.Equal(9, compared);
        net.Training = false;
        using var _ = no_grad();
        Assert.True(MaxDifference(net.Forward(expected.Tensors["input"]), expected.Tensors["logits.recalibrated"]) < 1e-5);
    }

    [Fact]
    public void A_bezier_curve_between_two_pytorch_checkpoints_reproduces_each_at_its_end()
    {
        using var expected = Safetensors.Load(Fixture("smallnet-expected.safetensors"));
        var spec = TorchScriptNetwork.SpecFor(Fixture("smallnet.pt"));
        using var net = ModelZoo.Build(spec, Images);
        using var space = WeightSpace.CreateEmpty(net.Layout, 3);
        net.Bind(space);
        Checkpoint.Load(Fixture("smallnet-seed2.safetensors"), net, 2);
        Checkpoint.Load(Fixture("smallnet-seed1.safetensors"), net, 0);
        for (int i = 0; i < net.Layout.Count; i++)
            using (var mid = (space.Control(0, i) + space.Control(2, i)) / 2) space.SetControl(1, i, mid);
        var bezier = new Bezier(1);
        using var _ = no_grad();
        space.MoveTo(bezier.Coefficients(0));
        Assert.True(MaxDifference(net.Forward(expected.Tensors["input"]), expected.Tensors["logits.seed1"]) < 1e-5);
        using (var seed2 = Safetensors.Load(Fixture("smallnet-seed2.safetensors"))) net.Buffers.CopyFrom(seed2.Tensors);
        space.MoveTo(bezier.Coefficients(1));
        Assert.True(MaxDifference(net.Forward(expected.Tensors["input"]), expected.Tensors["logits.seed2"]) < 1e-5);
        space.MoveTo(bezier.Coefficients(0.5));
        Assert.True(MaxDifference(net.Forward(expected.Tensors["input"]), expected.Tensors["logits.seed2"]) > 1e-3);
    }

    [Fact]
    public void A_changed_file_is_refused_in_one_sentence()
    {
        using var folder = new TempFolder();
        File.Copy(Fixture("smallnet.pt"), folder["net.pt"]);
        var spec = TorchScriptNetwork.SpecFor(folder["net.pt"]);
        File.Copy(Fixture("smallnet-traced.pt"), folder["net.pt"], overwrite: true);
        var e = Assert.Throws<IsthmusException>(() => ModelZoo.Build(spec, Images));
        Assert.Contains("has changed since this run was made", e.Message);
        File.Delete(folder["net.pt"]);
        e = Assert.Throws<IsthmusException>(() => ModelZoo.Build(spec, Images));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void A_module_traced_in_eval_mode_is_refused_with_the_advice_to_script_it()
    {
        var e = Assert.Throws<IsthmusException>(() => ModelZoo.Build(TorchScriptNetwork.SpecFor(Fixture("smallnet-traced.pt")), Images));
        Assert.Contains("does not update its statistics in train mode", e.Message);
        Assert.Contains("torch.jit.script(model).save(FILE)", e.Message);
    }

    [Fact]
    public void A_state_dict_of_another_module_names_the_file_not_its_hash()
    {
        using var net = Build();
        var e = Assert.Throws<IsthmusException>(() => Checkpoint.Load(Path.Combine(Repository.Root, "tests", "fixtures", "data", "mlp.pt"), net));
        Assert.Contains($"does not hold the weights of torchscript:{Fixture("smallnet.pt")}: 'conv.weight' [8, 1, 3, 3] is missing (and 17 more)", e.Message);
        Assert.Contains("pass the TorchScript file of the module whose state dict it is", e.Message);
        Assert.DoesNotContain("sha256", e.Message);
    }

    [Fact]
    public void A_state_dict_is_not_taken_for_a_network()
    {
        var e = Assert.Throws<IsthmusException>(() => ModelZoo.Build(TorchScriptNetwork.SpecFor(Fixture("smallnet-seed1.pt")), Images));
        Assert.Contains("is not a TorchScript module", e.Message);
    }

    [Fact]
    public void Training_starts_from_the_files_weights_or_reinitialises_them_and_lowers_the_loss()
    {
        using var expected = Safetensors.Load(Fixture("smallnet-expected.safetensors"));
        using var own = Build();
        using var fresh = Build(reinit: true);
        using var seed1 = Safetensors.Load(Fixture("smallnet-seed1.safetensors"));
        Assert.True(Tensors.Same(own.Space.Point(0), seed1.Tensors["conv.weight"]));
        Assert.False(Tensors.Same(fresh.Space.Point(0), seed1.Tensors["conv.weight"]));
        int bn = fresh.Layout.IndexOf("block.bn1.weight");
        Assert.True(Tensors.Same(fresh.Space.Point(bn), ones(8)));
        Assert.True(fresh.Space.Point(fresh.Layout.IndexOf("fc.weight")).abs().max().item<float>() <= 1 / Math.Sqrt(392));

        var x = expected.Tensors["calibration"][0];
        var y = arange(10, ScalarType.Int64);
        using var convfc = Build("convfc-bn-half.pt", reinit: true);
        using var optimizer = new Sgd(convfc.Space.TrainableTensors(), 0.9, 5e-4);
        using var before = convfc.Space.Point(0).detach().clone();
        convfc.Training = true;
        var losses = new List<double>();
        // The PyTorch-written convfc: the small residual network's own backward pass returns NaN now and then in
        // libtorch 2.10 (docs/own-network.md), which is not what this test is about.
        for (int step = 0; step < 30; step++)
        {
            using var scope = NewDisposeScope();
            var loss = nn.functional.cross_entropy(convfc.Forward(x), y);
            loss.backward();
            Assert.True(convfc.Space.Point(0).grad!.abs().sum().item<float>() > 0);
            optimizer.Step(0.05, releaseGradients: true);
            losses.Add(loss.item<float>());
        }
        Assert.True(losses[^1] < 0.5 * losses[0], $"loss {losses[0]} -> {losses[^1]}");
        Assert.False(Tensors.Same(before, convfc.Space.Point(0)));
    }

    [Fact]
    public void Reinit_is_refused_for_a_parameter_without_a_default_rule()
    {
        using var module = new Scaled();
        using var net = new ModuleNetwork(module, new ArchitectureSpec("scaled").With("reinit", "true"), Images);
        using var space = WeightSpace.Create(net.Layout);
        var e = Assert.Throws<IsthmusException>(() => net.StartFromOwnWeights(space));
        Assert.Contains("cannot re-initialise parameter 'scale' [1]", e.Message);
    }

    /// <summary>A module with a parameter that is neither a weight nor a bias.</summary>
    private sealed class Scaled : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter scale = nn.Parameter(ones(1));
        private readonly TorchSharp.Modules.Linear fc = nn.Linear(784, 10);

        public Scaled() : base(nameof(Scaled)) => RegisterComponents();

        public override Tensor forward(Tensor x) => fc.forward(x.flatten(1)) * scale;
    }

    /// <summary>The calibration batches of the fixture, in order.</summary>
    internal sealed class FixedBatches(Tensor batches) : IBatchSource
    {
        public int BatchesPerEpoch => (int)batches.shape[0];
        public long Examples => batches.shape[0] * batches.shape[1];
        public bool IsSequence => false;
        public void BeginEpoch(int epoch) { }
        public (Tensor X, Tensor Y) Batch(int index) => (batches[index], zeros(batches.shape[1], ScalarType.Int64));
    }
}
