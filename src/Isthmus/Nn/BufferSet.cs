namespace Isthmus.Nn;

/// <summary>Named non-trainable tensors of a network (batch-norm running statistics), as in a PyTorch state dict.</summary>
public sealed class BufferSet : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> _buffers = new();
    private readonly List<IRunningStatistics> _norms = new();

    public int Count => _buffers.Count;
    public IEnumerable<(string Name, Tensor Tensor)> All => _buffers;

    internal Tensor Add(string name, Tensor tensor)
    {
        var t = tensor.DetachFromDisposeScope();
        _buffers.Add((name, t));
        return t;
    }

    internal void Register(IRunningStatistics norm) => _norms.Add(norm);

    public bool TryGet(string name, out Tensor tensor)
    {
        foreach (var (n, t) in _buffers)
            if (n == name) { tensor = t; return true; }
        tensor = null!;
        return false;
    }

    internal void ResetStatistics()
    {
        foreach (var n in _norms) n.ResetStatistics();
    }

    /// <summary>Copies buffer values from <paramref name="source"/> by name.</summary>
    public void CopyFrom(IReadOnlyDictionary<string, Tensor> source)
    {
        using var _ = no_grad();
        foreach (var (name, t) in _buffers)
            if (source.TryGetValue(name, out var s)) t.copy_(s.to_type(t.dtype));
        foreach (var n in _norms) n.SyncCountFromBuffer();
    }

    public void Dispose()
    {
        foreach (var (_, t) in _buffers) t.Dispose();
        _buffers.Clear();
    }
}
