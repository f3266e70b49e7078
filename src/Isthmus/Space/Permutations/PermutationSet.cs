namespace Isthmus.Space.Permutations;

/// <summary>
/// One permutation per group: unit <c>i</c> of the permuted network is unit <c>perm[i]</c> of the original, so a
/// producing layer's new row <c>i</c> is its old row <c>perm[i]</c> (PyTorch's <c>index_select</c>).
/// </summary>
public sealed class PermutationSet
{
    private readonly Dictionary<string, long[]> _perms;

    public PermutationSet(IReadOnlyList<PermutationGroup> groups, IReadOnlyDictionary<string, long[]> perms)
    {
        Groups = groups;
        _perms = new(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            if (!perms.TryGetValue(g.Name, out var p)) throw new ArgumentException($"No permutation is given for group '{g.Name}'.", nameof(perms));
            if (!IsPermutation(p, g.Size)) throw new ArgumentException($"The permutation of group '{g.Name}' is not a permutation of {g.Size} units.", nameof(perms));
            _perms[g.Name] = p;
        }
    }

    public IReadOnlyList<PermutationGroup> Groups { get; }

    public long[] this[string group] => _perms[group];

    /// <summary>The identity on every group.</summary>
    public static PermutationSet Identity(IReadOnlyList<PermutationGroup> groups) =>
        new(groups, groups.ToDictionary(g => g.Name, g => Enumerable.Range(0, checked((int)g.Size)).Select(i => (long)i).ToArray()));

    /// <summary>Uniformly random permutations of every group.</summary>
    public static PermutationSet Random(IReadOnlyList<PermutationGroup> groups, int seed)
    {
        var rng = new System.Random(seed);
        return new(groups, groups.ToDictionary(g => g.Name, g =>
        {
            var p = Enumerable.Range(0, checked((int)g.Size)).Select(i => (long)i).ToArray();
            rng.Shuffle(p);
            return p;
        }));
    }

    /// <summary>True if every group's permutation is the identity.</summary>
    public bool IsIdentity => _perms.Values.All(p => p.Select((v, i) => v == i).All(b => b));

    /// <summary>
    /// The point of weight space (parameters and buffers by name) with every group's units reordered; tensors no group
    /// names are passed through as they are. The inputs are not changed.
    /// </summary>
    public Dictionary<string, Tensor> Apply(IReadOnlyDictionary<string, Tensor> state)
    {
        var result = new Dictionary<string, Tensor>(state, StringComparer.Ordinal);
        using var _ = no_grad();
        foreach (var g in Groups)
        {
            using var index = tensor(_perms[g.Name], ScalarType.Int64);
            foreach (var axis in g.Axes)
            {
                if (!result.TryGetValue(axis.Tensor, out var t))
                    throw new ArgumentException($"Group '{g.Name}' names '{axis.Tensor}', which the weights do not have.", nameof(state));
                result[axis.Tensor] = Permute(t, axis, g.Size, index);
            }
        }
        return result;
    }

    private static Tensor Permute(Tensor t, PermutedAxis axis, long size, Tensor index)
    {
        long[] shape = t.shape;
        if (shape[axis.Axis] != axis.Repeat * size * axis.Block)
            throw new ArgumentException($"Axis {axis.Axis} of '{axis.Tensor}' has {shape[axis.Axis]} entries, not {axis.Repeat}×{size}×{axis.Block}.");
        if (axis.Block == 1 && axis.Repeat == 1) return t.index_select(axis.Axis, index.to(t.device));
        return t.reshape(axis.Split(shape, size)).index_select(axis.Axis + 1, index.to(t.device)).reshape(shape);
    }

    /// <summary>The inverse of <paramref name="perm"/>.</summary>
    public static long[] Invert(long[] perm)
    {
        var inverse = new long[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return inverse;
    }

    private static bool IsPermutation(long[] p, long size)
    {
        if (p.Length != size) return false;
        var seen = new bool[p.Length];
        foreach (var v in p)
        {
            if (v < 0 || v >= p.Length || seen[v]) return false;
            seen[v] = true;
        }
        return true;
    }
}
