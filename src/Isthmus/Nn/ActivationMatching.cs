using Isthmus.Data;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn;

/// <summary>
/// Activation matching (Ainsworth et al. 2022, §3.1): feed A and B the same training examples and give each of B's
/// hidden units the unit of A its activations correlate with most, one linear assignment per permutation group
/// maximising the summed correlation. Groups are matched independently, since B's activations do not depend on how
/// its units are labelled. The activations are each group's pre-activations (the output of the layer that produces
/// the units, read through <see cref="Network.LayerOutput"/>); Ainsworth et al. correlate post-ReLU activations.
/// </summary>
public static class ActivationMatching
{
    /// <param name="a">Network A, one point, the reference.</param>
    /// <param name="b">Network B, of the same architecture.</param>
    /// <param name="batches">Training batches without augmentation.</param>
    /// <param name="maxBatches">How many of them to use; null = all.</param>
    public static PermutationSet Match(Network a, Network b, IBatchSource batches, int? maxBatches = null, CancellationToken ct = default)
    {
        var groups = NetworkPermutation.GroupsWithLayerOutputs(a, "Activation matching");
        var moments = groups.ToDictionary(g => g.Name, g => new CrossMoments(g.Size), StringComparer.Ordinal);
        try
        {
            bool wasA = a.Training, wasB = b.Training;
            a.Training = b.Training = false;
            try
            {
                batches.ForEachInput(maxBatches, x =>
                {
                    var fromA = Capture(a, x, moments.Keys);
                    var fromB = Capture(b, x, moments.Keys);
                    foreach (var (name, m) in moments) m.Add(fromA[name], fromB[name]);
                    foreach (var t in fromA.Values.Concat(fromB.Values)) t.Dispose();
                }, ct);
            }
            finally { (a.Training, b.Training) = (wasA, wasB); }
            return new PermutationSet(groups, groups.ToDictionary(g => g.Name, g => LinearAssignment.Maximise(moments[g.Name].Correlation())));
        }
        finally
        {
            foreach (var m in moments.Values) m.Dispose();
        }
    }

    /// <summary>
    /// The outputs of the named layers for one batch, as samples of their units (<see cref="UnitMoments.Samples"/>); the
    /// caller disposes them (they outlive the dispose scopes a network's stages run in).
    /// </summary>
    public static Dictionary<string, Tensor> Capture(Network net, Tensor x, IEnumerable<string> layers)
    {
        var wanted = layers.ToHashSet(StringComparer.Ordinal);
        var captured = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var previous = net.LayerOutput;
        net.LayerOutput = (name, y) =>
        {
            if (wanted.Contains(name)) captured[name] = UnitMoments.Samples(y).DetachFromDisposeScope();
            return y;
        };
        try { net.Forward(x).Dispose(); }
        finally { net.LayerOutput = previous; }
        var missing = wanted.Except(captured.Keys).FirstOrDefault();
        if (missing is not null)
            throw new InvalidOperationException($"{net.Spec}: no layer named '{missing}' produced an output; its permutation groups must be named after the layers that produce their units.");
        return captured;
    }
}
