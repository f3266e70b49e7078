namespace Isthmus.Space;

/// <summary>
/// The ordered list of parameters an architecture declares while it is built. Layers keep the index they
/// were given and read the tensor at that index from the <see cref="WeightSpace"/> the network is bound to.
/// </summary>
public sealed class ParameterLayout
{
    private readonly List<ParameterSpec> _specs = new();
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public IReadOnlyList<ParameterSpec> Specs => _specs;
    public int Count => _specs.Count;
    public long TotalElements => _specs.Sum(s => s.Numel);

    /// <summary>Declares a parameter and returns its index.</summary>
    public int Declare(string name, long[] shape, Init init)
    {
        if (_index.ContainsKey(name))
            throw new InvalidOperationException($"Parameter '{name}' is declared twice; architecture names must be unique.");
        _index[name] = _specs.Count;
        _specs.Add(new ParameterSpec(name, shape, init));
        return _specs.Count - 1;
    }

    public bool TryIndexOf(string name, out int index) => _index.TryGetValue(name, out index);

    public int IndexOf(string name) =>
        _index.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"The architecture has no parameter named '{name}'.");
}
