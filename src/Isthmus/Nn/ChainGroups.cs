using Isthmus.Space.Permutations;

namespace Isthmus.Nn;

/// <summary>
/// Permutation groups of a network from outside whose layers are a plain chain of linear layers, convolutions and batch
/// norms, read from its parameters alone in the order the module declares them: each linear layer or convolution
/// produces units that the batch norms declared after it follow and that the next one reads (in blocks of height·width
/// where a convolution's output is flattened into a linear layer). Parameters cannot show skip connections or
/// reordered calls, so <see cref="Verify"/> checks the result on the network itself: its logits must not change.
/// </summary>
public static class ChainGroups
{
    private enum Kind { Linear, Conv, Norm }

    /// <summary>The groups, or one sentence why the parameters are not those of such a chain.</summary>
    public static (IReadOnlyList<PermutationGroup>? Groups, string? Reason) Infer(IReadOnlyList<(string Name, long[] Shape)> parameters, ISet<string> buffers)
    {
        var layers = new List<(string Prefix, Kind Kind, long Out, long In, bool Bias)>();
        foreach (var module in parameters.GroupBy(p => Prefix(p.Name)))
        {
            var weight = module.FirstOrDefault(p => p.Name.EndsWith("weight", StringComparison.Ordinal)).Shape;
            bool bias = module.Any(p => p.Name.EndsWith("bias", StringComparison.Ordinal));
            if (weight is null || module.Count() != (bias ? 2 : 1))
                return (null, $"'{module.Key}' is not a linear, convolution or batch-norm layer (its parameters: {string.Join(", ", module.Select(p => p.Name))})");
            string stem = module.Key.Length == 0 ? "" : module.Key + ".";
            var kind = weight.Length switch
            {
                2 => Kind.Linear,
                4 => Kind.Conv,
                1 when buffers.Contains(stem + "running_mean") => Kind.Norm,
                _ => (Kind?)null,
            };
            if (kind is null) return (null, $"'{module.Key}' with a weight of shape [{string.Join(", ", weight)}] is not a linear, convolution or batch-norm layer");
            layers.Add((module.Key, kind.Value, weight[0], weight.Length > 1 ? weight[1] : weight[0], bias));
        }
        var groups = new List<PermutationGroup>();
        int producer = -1;
        var followers = new List<string>();
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (layer.Kind == Kind.Norm)
            {
                if (producer < 0 || layer.Out != layers[producer].Out)
                    return (null, $"batch norm '{layer.Prefix}' does not follow a layer of {layer.Out} outputs");
                followers.AddRange(PermutationGroup.BatchNorm(layer.Prefix));
                continue;
            }
            if (producer >= 0)
            {
                var from = layers[producer];
                long block = layer.In / from.Out;
                if (block * from.Out != layer.In || (block > 1 && !(from.Kind == Kind.Conv && layer.Kind == Kind.Linear)))
                    return (null, $"'{layer.Prefix}' reads {layer.In} inputs, which '{from.Prefix}''s {from.Out} outputs do not give");
                groups.Add(PermutationGroup.Between(from.Prefix, from.Out, followers, [PermutationGroup.ReadBy(layer.Prefix, block)], from.Bias));
            }
            (producer, followers) = (i, new List<string>());
        }
        if (producer >= 0 && followers.Count > 0) return (null, "a batch norm follows the last layer");
        return groups.Count == 0 ? (null, "it has no hidden layer") : (groups, null);
    }

    /// <summary>
    /// True if permuting <paramref name="net"/> (bound, at its current point) by random permutations of
    /// <paramref name="groups"/> leaves its logits on <paramref name="input"/> unchanged; the network is restored either way.
    /// </summary>
    public static bool Verify(Network net, IReadOnlyList<PermutationGroup> groups, Tensor input)
    {
        bool wasTraining = net.Training;
        net.Training = false;
        var perms = PermutationSet.Random(groups, seed: 1);
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var before = net.Forward(input);
            NetworkPermutation.Apply(net, perms);
            var after = net.Forward(input);
            return after.allclose(before, rtol: 1e-3, atol: 1e-4 * Math.Max(1, before.abs().max().item<float>()));
        }
        finally
        {
            NetworkPermutation.Apply(net, new PermutationSet(groups, groups.ToDictionary(g => g.Name, g => PermutationSet.Invert(perms[g.Name]))));
            net.Training = wasTraining;
        }
    }

    private static string Prefix(string name) => name.LastIndexOf('.') is var dot and >= 0 ? name[..dot] : "";
}
