using Isthmus.Nn;

namespace Isthmus.Storage;

/// <summary>
/// Maps a <see cref="StateDict"/>'s names onto a network's parameters and buffers as PyTorch's
/// <c>load_state_dict(strict=True)</c> would: every name matches exactly, or after removing one prefix that every
/// name in the file shares (<c>module.</c> from <c>DataParallel</c>, <c>model.</c> from a wrapper); shapes must
/// agree. <c>num_batches_tracked</c> is optional both ways, since Isthmus recomputes batch-norm statistics with a
/// cumulative average and older files lack it.
/// </summary>
public static class StateDictMatch
{
    /// <summary>The prefixes removed when the names do not match as they are.</summary>
    public static IReadOnlyList<string> Prefixes { get; } = ["module.", "model."];

    private const string Counter = "num_batches_tracked";

    /// <summary>
    /// Network name → tensor of <paramref name="file"/>, for every parameter and every buffer (batch-norm counters
    /// when present). Any other difference is one <see cref="IsthmusException"/> naming the first missing and the
    /// first unexpected tensor with their shapes.
    /// </summary>
    public static Dictionary<string, Tensor> Match(StateDict file, Network net)
    {
        var expected = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var s in net.Layout.Specs) expected[s.Name] = s.Shape;
        foreach (var (name, t) in net.Buffers.All) expected[name] = t.shape;

        var mapped = Rename(file, expected);
        var missing = expected.Keys.Where(n => !IsCounter(n) && !mapped.ContainsKey(n)).ToList();
        var unexpected = mapped.Keys.Where(n => !IsCounter(n) && !expected.ContainsKey(n)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new IsthmusException(Mismatch(file.Path, net.Spec, missing, unexpected, expected, mapped));
        foreach (var (name, shape) in expected)
        {
            if (!mapped.TryGetValue(name, out var t) || t.shape.SequenceEqual(shape)) continue;
            throw new IsthmusException($"{file.Path}: '{name}' has shape {Text(t.shape)} but {Named(net.Spec)} needs {Text(shape)}; the checkpoint is of another width or data set ({Advice(net.Spec)} and --data).");
        }
        foreach (var name in mapped.Keys.Where(n => !expected.ContainsKey(n)).ToList()) mapped.Remove(name);
        return mapped;
    }

    // Exact names first; otherwise the one listed prefix that every name in the file carries.
    private static Dictionary<string, Tensor> Rename(StateDict file, Dictionary<string, long[]> expected)
    {
        var exact = file.Names.ToDictionary(n => n, n => file.Tensors[n], StringComparer.Ordinal);
        if (expected.Keys.All(n => IsCounter(n) || exact.ContainsKey(n))) return exact;
        foreach (var prefix in Prefixes)
            if (file.Names.Count > 0 && file.Names.All(n => n.StartsWith(prefix, StringComparison.Ordinal)))
                return file.Names.ToDictionary(n => n[prefix.Length..], n => file.Tensors[n], StringComparer.Ordinal);
        return exact;
    }

    private static string Mismatch(string path, ArchitectureSpec spec, List<string> missing, List<string> unexpected,
        Dictionary<string, long[]> expected, Dictionary<string, Tensor> mapped)
    {
        static string More(int count) => count > 1 ? $" (and {count - 1} more)" : "";
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"'{missing[0]}' {Text(expected[missing[0]])} is missing{More(missing.Count)}");
        if (unexpected.Count > 0) parts.Add($"'{unexpected[0]}' {Text(mapped[unexpected[0]].shape)} is unexpected{More(unexpected.Count)}");
        return $"{path} does not hold the weights of {Named(spec)}: {string.Join(" and ", parts)}; it was saved from another architecture ({Advice(spec)}).";
    }

    // A TorchScript network by its file alone: its spec's SHA-256 would only lengthen the sentence.
    private static string Named(ArchitectureSpec spec) =>
        spec.Name == TorchScriptNetwork.Name && spec.Get("file") is { } file ? $"{TorchScriptNetwork.Prefix}{file}" : spec.ToString();

    private static string Advice(ArchitectureSpec spec) =>
        spec.Name == TorchScriptNetwork.Name ? "pass the TorchScript file of the module whose state dict it is" : "pass the matching --model options";

    private static bool IsCounter(string name) => name == Counter || name.EndsWith("." + Counter, StringComparison.Ordinal);

    private static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
