namespace Isthmus.Data;

/// <summary>Batch sources for the splits of a <see cref="DataBundle"/>.</summary>
public static class BatchSources
{
    /// <summary>Evaluation batch size for images: large, since no gradients are kept.</summary>
    public const int EvalImageBatch = 1000;
    /// <summary>Evaluation batch size for token streams (columns), as PyTorch's word_language_model example.</summary>
    public const int EvalTextBatch = 10;
    public const int Bptt = 35;

    /// <summary>Shuffled (and, for CIFAR, augmented) training batches.</summary>
    public static IBatchSource Training(DataBundle data, int batchSize, long seed) => data.Kind == DataKind.Text
        ? new TextSource(new TextBatcher(data.TrainText!, batchSize, Bptt))
        : new ImageSource(new ImageBatcher(data.Train!, batchSize, data.Augment, seed), data.Train!, shuffle: true);

    /// <summary>Training data in order, without augmentation: for train metrics and batch-norm recalibration.</summary>
    public static IBatchSource TrainingForEvaluation(DataBundle data) => data.Kind == DataKind.Text
        ? new TextSource(new TextBatcher(data.TrainText!, EvalTextBatch, Bptt))
        : new ImageSource(new ImageBatcher(data.Train!, EvalImageBatch, augment: false, seed: 0), data.Train!, shuffle: false);

    /// <summary>The evaluation split (test set, or the held-out validation set with --val).</summary>
    public static IBatchSource Evaluation(DataBundle data) => data.Kind == DataKind.Text
        ? new TextSource(new TextBatcher(data.EvalText!, EvalTextBatch, Bptt))
        : new ImageSource(new ImageBatcher(data.Eval!, EvalImageBatch, augment: false, seed: 0), data.Eval!, shuffle: false);

    /// <summary>Any image split in order, without augmentation, in evaluation batches (e.g. a hold-out carved out of the training split).</summary>
    public static IBatchSource InOrder(ImageDataset data) =>
        new ImageSource(new ImageBatcher(data, EvalImageBatch, augment: false, seed: 0), data, shuffle: false);

    private sealed class ImageSource(ImageBatcher batcher, ImageDataset data, bool shuffle) : IBatchSource
    {
        private Tensor? _order;
        public int BatchesPerEpoch => batcher.BatchesPerEpoch;
        public long Examples => data.Count;
        public bool IsSequence => false;

        public void BeginEpoch(int epoch)
        {
            _order?.Dispose();
            _order = (shuffle ? batcher.Order(epoch) : arange(data.Count, ScalarType.Int64, device: data.Labels.device)).DetachFromDisposeScope();
        }

        public (Tensor X, Tensor Y) Batch(int index) => batcher.Batch(_order ?? throw new InvalidOperationException("Call BeginEpoch first."), index);
    }

    private sealed class TextSource(TextBatcher batcher) : IBatchSource
    {
        public int BatchesPerEpoch => batcher.BatchesPerEpoch;
        public long Examples => batcher.TargetsPerEpoch;
        public bool IsSequence => true;
        public void BeginEpoch(int epoch) { }
        public (Tensor X, Tensor Y) Batch(int index) => batcher.Batch(index);
    }

    /// <summary>
    /// Runs <paramref name="forward"/> on the inputs of the first <paramref name="batches"/> batches of epoch 0 (all of
    /// them when null), without gradients, each batch in its own dispose scope: the passes that only gather statistics
    /// (batch-norm recalibration, activation matching, REPAIR).
    /// </summary>
    public static void ForEachInput(this IBatchSource source, int? batches, Action<Tensor> forward, CancellationToken ct = default)
    {
        using var _ = no_grad();
        source.BeginEpoch(0);
        int count = Math.Min(batches ?? int.MaxValue, source.BatchesPerEpoch);
        for (int i = 0; i < count; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            forward(source.Batch(i).X);
        }
    }
}
