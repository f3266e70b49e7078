namespace Isthmus.Data;

/// <summary>
/// Batches a token stream for truncated back-propagation through time, as PyTorch's word_language_model example
/// does: the stream is cut into <c>B</c> contiguous columns ([T/B, B], the remainder dropped) and batch i is the
/// <c>bptt</c> rows starting at i·bptt with the next token of each as target. Owns the column tensor; dispose it.
/// </summary>
public sealed class TextBatcher : IDisposable
{
    private readonly Tensor _columns;

    /// <summary>Arranges <paramref name="data"/> into <paramref name="batchSize"/> columns on the data's device.</summary>
    public TextBatcher(TextDataset data, int batchSize, int bptt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bptt, 1);
        var rows = data.Count / batchSize;
        if (rows < 2)
            throw new IsthmusException(
                $"{data.Count} tokens cannot fill {batchSize} columns of at least 2 tokens; use a smaller batch size or a longer text.");
        using (var scope = NewDisposeScope())
            _columns = data.Tokens.narrow(0, 0, rows * batchSize).view(batchSize, rows).t().contiguous().DetachFromDisposeScope();
        BatchSize = batchSize;
        Bptt = bptt;
        BatchesPerEpoch = (int)((rows - 1 + bptt - 1) / bptt);
    }

    /// <summary>Number of columns B.</summary>
    public int BatchSize { get; }

    /// <summary>Sequence length of a batch; the last batch may be shorter.</summary>
    public int Bptt { get; }

    /// <summary>⌈(T/B − 1) / bptt⌉.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>
    /// X [L, B] with L = bptt (shorter for the last batch) and Y [L·B], the token after each entry of X, flattened
    /// row-major to line up with a [L·B, vocabulary] output. Created in the caller's dispose scope.
    /// </summary>
    public (Tensor X, Tensor Y) Batch(int index)
    {
        if ((uint)index >= (uint)BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"An epoch has {BatchesPerEpoch} batches.");
        var start = (long)index * Bptt;
        var length = Math.Min(Bptt, _columns.shape[0] - 1 - start);
        using var next = _columns.narrow(0, start + 1, length);
        return (_columns.narrow(0, start, length), next.reshape(-1));
    }

    /// <inheritdoc/>
    /// <summary>Predicted tokens per epoch (every position but the last of each column).</summary>
    public long TargetsPerEpoch => (_columns.shape[0] - 1) * BatchSize;

    public void Dispose() => _columns.Dispose();
}
