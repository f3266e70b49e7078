namespace Isthmus.Nn;

/// <summary>
/// A batch-norm layer's running statistics as the network's <see cref="BufferSet"/> manages them: reset before they are
/// recomputed for a point, and told when their buffers were overwritten (the count of batches seen so far is kept on
/// the host, so that the cumulative average needs no synchronisation).
/// </summary>
internal interface IRunningStatistics
{
    /// <summary>Running mean 0, running variance 1, no batches seen (PyTorch's <c>reset_running_stats</c>).</summary>
    void ResetStatistics();

    /// <summary>Reads the count of batches seen from the buffers after they were copied from a checkpoint.</summary>
    void SyncCountFromBuffer();
}
