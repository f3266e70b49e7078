using Isthmus.Space.Permutations;

namespace Isthmus.Nn;

/// <summary>Applies a <see cref="PermutationSet"/> to a bound network in place: its first control point and its buffers.</summary>
public static class NetworkPermutation
{
    /// <summary>Parameters of control point <paramref name="controlPoint"/> and the buffers, by PyTorch name (aliases, not copies).</summary>
    public static Dictionary<string, Tensor> State(Network net, int controlPoint = 0)
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var controls = net.Space.ControlTensors(controlPoint);
        for (int i = 0; i < net.Layout.Count; i++) state[net.Layout.Specs[i].Name] = controls[i];
        foreach (var (name, t) in net.Buffers.All) state[name] = t;
        return state;
    }

    /// <summary>The parameters alone of control point <paramref name="controlPoint"/>, by PyTorch name (what weight matching compares).</summary>
    public static Dictionary<string, Tensor> Parameters(Network net, int controlPoint = 0)
    {
        var controls = net.Space.ControlTensors(controlPoint);
        return Enumerable.Range(0, net.Layout.Count).ToDictionary(i => net.Layout.Specs[i].Name, i => controls[i], StringComparer.Ordinal);
    }

    /// <summary>Reorders the network's hidden units by <paramref name="perms"/>; its function does not change.</summary>
    public static void Apply(Network net, PermutationSet perms, int controlPoint = 0)
    {
        using var scope = NewDisposeScope();
        var permuted = perms.Apply(State(net, controlPoint));
        for (int i = 0; i < net.Layout.Count; i++) net.Space.SetControl(controlPoint, i, permuted[net.Layout.Specs[i].Name]);
        net.Buffers.CopyFrom(permuted);
    }

    /// <summary>The network's declared groups, or one sentence saying that it has none.</summary>
    public static IReadOnlyList<PermutationGroup> Groups(Network net) =>
        net.PermutationGroups ?? throw new IsthmusException(
            $"Model '{net.Spec.Name}' declares no permutation groups, so its hidden units cannot be aligned; use a model of the zoo, or a TorchScript chain of linear, convolution and batch-norm layers.");

    /// <summary>
    /// The network's groups, refused in one sentence for a network from outside: activation matching and REPAIR read
    /// hidden units through the outputs of Isthmus's own layers (<see cref="Network.LayerOutput"/>), which such a module
    /// does not report.
    /// </summary>
    public static IReadOnlyList<PermutationGroup> GroupsWithLayerOutputs(Network net, string what) =>
        net is ModuleNetwork
            ? throw new IsthmusException($"{what} reads hidden units through Isthmus's own layers, which a network from outside ({net.Spec.Name}) does not report; align it with --method weights, and evaluate its segments without --repair.")
            : Groups(net);
}
