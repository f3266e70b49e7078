namespace Isthmus.Data;

/// <summary>One split of a text corpus as a single int64 tensor of token ids [T]. Owns it; dispose when done.</summary>
public sealed class TextDataset : IDisposable
{
    /// <summary>Takes ownership of <paramref name="tokens"/> (detached from any dispose scope).</summary>
    public TextDataset(Tensor tokens)
    {
        if (tokens.dim() != 1 || tokens.dtype != ScalarType.Int64)
            throw new ArgumentException($"Expected int64 tokens [T]; got {tokens.dtype} [{string.Join(",", tokens.shape)}].");
        Tokens = tokens.DetachFromDisposeScope();
    }

    /// <summary>int64 [T]: token ids in corpus order.</summary>
    public Tensor Tokens { get; }

    /// <summary>Number of tokens.</summary>
    public long Count => Tokens.shape[0];

    /// <summary>Builds a data set from token ids, on <paramref name="device"/> (CPU when null).</summary>
    public static TextDataset FromIds(long[] ids, Device? device = null)
    {
        using var scope = NewDisposeScope();
        return new TextDataset(tensor(ids).to(device ?? CPU));
    }

    /// <inheritdoc/>
    public void Dispose() => Tokens.Dispose();
}
