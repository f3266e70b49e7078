namespace Isthmus.Space.Permutations;

/// <summary>What weight matching found: the permutations of B, how many sweeps it took and the matched inner product.</summary>
/// <param name="Sweeps">Sweeps over all groups, the last of which changed nothing.</param>
/// <param name="Similarity">Σ over every permuted parameter of ⟨W_A, π(W_B)⟩ after matching.</param>
/// <param name="SimilarityBefore">The same sum before (B as it was).</param>
public sealed record WeightMatchingResult(PermutationSet Permutations, int Sweeps, double Similarity, double SimilarityBefore);

/// <summary>
/// Weight matching (Ainsworth et al. 2022, §3.2, Alg. 1): the permutations π of B's hidden units maximising
/// Σ_ℓ ⟨W_A^ℓ, P_ℓ W_B^ℓ P_{ℓ−1}ᵀ⟩ over every parameter. The problem is NP-hard jointly, so it is solved by coordinate
/// descent: groups in random order, each step one linear assignment problem for one group with the others held fixed,
/// until a whole sweep improves nothing. Only the tensors given are matched: pass the parameters, not the batch-norm
/// running statistics (which follow the permutation but are not weights).
/// </summary>
public static class WeightMatching
{
    /// <summary>Sweeps before giving up on convergence; Ainsworth et al.'s networks converge in a handful.</summary>
    public const int MaxSweeps = 100;

    /// <param name="groups">The architecture's permutation groups.</param>
    /// <param name="a">Network A's parameters by name (the reference, left as it is).</param>
    /// <param name="b">Network B's parameters by name (the one to permute).</param>
    /// <param name="seed">Seeds the order of the groups in each sweep.</param>
    public static WeightMatchingResult Match(IReadOnlyList<PermutationGroup> groups, IReadOnlyDictionary<string, Tensor> a,
        IReadOnlyDictionary<string, Tensor> b, int seed = 0)
    {
        var perms = PermutationSet.Identity(groups);
        var current = groups.ToDictionary(g => g.Name, g => perms[g.Name], StringComparer.Ordinal);
        // Every axis of every tensor any group reorders, so that a step can hold the other groups' permutations fixed.
        var axesOf = groups.SelectMany(g => g.Axes.Where(x => a.ContainsKey(x.Tensor)).Select(x => (Group: g, Axis: x)))
            .GroupBy(p => p.Axis.Tensor).ToDictionary(p => p.Key, p => p.ToList(), StringComparer.Ordinal);
        foreach (var g in groups)
            foreach (var x in g.Axes.Where(x => a.ContainsKey(x.Tensor)))
                if (!b.ContainsKey(x.Tensor)) throw new ArgumentException($"Network B has no tensor '{x.Tensor}'.", nameof(b));

        using var _ = no_grad();
        double before = Total(groups, a, b, axesOf, current);
        var rng = new Random(seed);
        int sweeps = 0;
        bool changed = true;
        while (changed && sweeps < MaxSweeps)
        {
            changed = false;
            sweeps++;
            var order = groups.ToArray();
            rng.Shuffle(order);
            foreach (var g in order)
            {
                var scores = Scores(g, a, b, axesOf, current);
                var old = current[g.Name];
                var sigma = LinearAssignment.Maximise(scores);
                // Accept only a strict improvement, so that ties cannot make the descent cycle.
                if (Sum(scores, sigma) > Sum(scores, old) + 1e-9 * Math.Max(1, Math.Abs(Sum(scores, old))))
                {
                    current[g.Name] = sigma;
                    changed = true;
                }
            }
        }
        var result = new PermutationSet(groups, current);
        return new WeightMatchingResult(result, sweeps, Total(groups, a, b, axesOf, current), before);
    }

    /// <summary>
    /// S[i, j] = Σ over the group's axes of ⟨row i of W_A, row j of W_B⟩ along that axis, with W_B's other axes already
    /// reordered by the other groups' current permutations (the linear assignment problem of one step).
    /// </summary>
    private static double[,] Scores(PermutationGroup g, IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b,
        Dictionary<string, List<(PermutationGroup Group, PermutedAxis Axis)>> axesOf, Dictionary<string, long[]> current)
    {
        using var scope = NewDisposeScope();
        int n = checked((int)g.Size);
        var total = zeros([n, n], ScalarType.Float64);
        foreach (var axis in g.Axes)
        {
            if (!a.TryGetValue(axis.Tensor, out var wa)) continue;
            var wb = b[axis.Tensor];
            // The other axes of W_B as they stand: another group's, or this group's own on another axis of the same
            // tensor (an LSTM's recurrent weights, permuted on both axes), held at its current permutation.
            foreach (var (other, otherAxis) in axesOf[axis.Tensor])
                if (!ReferenceEquals(other, g) || otherAxis != axis) wb = Reorder(wb, otherAxis, other.Size, current[other.Name]);
            var ma = Rows(wa, axis, g.Size);
            var mb = Rows(wb, axis, g.Size);
            total.add_(ma.matmul(mb.t()).to_type(ScalarType.Float64).cpu());
        }
        var values = total.data<double>().ToArray();
        var scores = new double[n, n];
        Buffer.BlockCopy(values, 0, scores, 0, values.Length * sizeof(double));
        return scores;
    }

    /// <summary>The tensor as [size, rest]: the group's units as rows (the axis read as [Repeat, size, Block]).</summary>
    private static Tensor Rows(Tensor t, PermutedAxis axis, long size) =>
        t.reshape(axis.Split(t.shape, size)).movedim([axis.Axis + 1L], [0L]).reshape(size, -1).to_type(ScalarType.Float64);

    private static Tensor Reorder(Tensor t, PermutedAxis axis, long size, long[] perm)
    {
        var permuted = new PermutationSet([new PermutationGroup("one", size, [axis])], new Dictionary<string, long[]> { ["one"] = perm });
        return permuted.Apply(new Dictionary<string, Tensor> { [axis.Tensor] = t })[axis.Tensor];
    }

    /// <summary>Σ over all groups' tensors of ⟨W_A, π(W_B)⟩, each tensor counted once.</summary>
    private static double Total(IReadOnlyList<PermutationGroup> groups, IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b,
        Dictionary<string, List<(PermutationGroup Group, PermutedAxis Axis)>> axesOf, Dictionary<string, long[]> current)
    {
        using var scope = NewDisposeScope();
        double total = 0;
        foreach (var (name, axes) in axesOf)
        {
            var wb = b[name];
            foreach (var (g, axis) in axes) wb = Reorder(wb, axis, g.Size, current[g.Name]);
            total += a[name].to_type(ScalarType.Float64).mul(wb.to_type(ScalarType.Float64)).sum().item<double>();
        }
        return total;
    }

    private static double Sum(double[,] s, long[] sigma)
    {
        double total = 0;
        for (int i = 0; i < sigma.Length; i++) total += s[i, sigma[i]];
        return total;
    }
}
