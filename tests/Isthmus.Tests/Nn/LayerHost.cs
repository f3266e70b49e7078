namespace Isthmus.Tests.Nn;

/// <summary>A test-only network that hosts one layer, so that layer can be compared with TorchSharp's own module.</summary>
internal sealed class LayerHost : Network
{
    private readonly Func<Tensor, Tensor> _forward;

    public LayerHost(Func<LayerBuilder, Func<Tensor, Tensor>> declare) : base(new ArchitectureSpec("layer-host")) =>
        _forward = declare(Builder);

    public override Tensor Forward(Tensor input) => _forward(input);

    /// <summary>Binds a fresh one-point space and copies the module's parameters into it by name (with a prefix).</summary>
    public WeightSpace BindWeightsOf(nn.Module module, string prefix)
    {
        var space = WeightSpace.CreateEmpty(Layout);
        foreach (var (name, p) in module.named_parameters())
            space.SetControl(0, Layout.IndexOf($"{prefix}.{name}"), p);
        Assert.Equal(module.parameters().Count(), Layout.Count);
        Bind(space);
        return space;
    }
}

internal static class Close
{
    public static void Assert(Tensor expected, Tensor actual, double tolerance = 1e-5)
    {
        Xunit.Assert.Equal(expected.shape, actual.shape);
        var diff = (expected - actual).abs().max().item<float>();
        Xunit.Assert.True(expected.allclose(actual, rtol: tolerance, atol: tolerance), $"max |difference| = {diff}");
    }

    public static bool Identical(Tensor expected, Tensor actual) =>
        expected.shape.SequenceEqual(actual.shape) && expected.eq(actual).all().item<bool>();
}

/// <summary>
/// Tests that seed or draw from torch's global generator (dropout masks, random inputs) run one at a time, so that
/// a parallel test cannot draw between a seed and the draw it is meant to fix.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchGlobalRandom
{
    public const string Name = "torch global random generator";
}
