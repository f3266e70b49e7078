namespace Isthmus.Data;

/// <summary>
/// Minibatches of one split of a data set, made by tensor work only. Training sources reshuffle per epoch from
/// a generator seeded by (seed, epoch), so epoch e's order never depends on earlier epochs — that is what makes
/// a resumed run equal an uninterrupted one. Evaluation sources keep the data's order and never augment.
/// </summary>
public interface IBatchSource
{
    int BatchesPerEpoch { get; }

    /// <summary>Examples (images, or predicted tokens) per epoch.</summary>
    long Examples { get; }

    /// <summary>True for token streams: recurrent state is reset per epoch and detached between batches.</summary>
    bool IsSequence { get; }

    /// <summary>Prepares epoch <paramref name="epoch"/>'s order; call before <see cref="Batch"/>.</summary>
    void BeginEpoch(int epoch);

    /// <summary>Batch <paramref name="index"/> of the current epoch, created in the caller's dispose scope.</summary>
    (Tensor X, Tensor Y) Batch(int index);
}
