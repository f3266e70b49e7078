using Isthmus.Nn;
using Isthmus.Training;
using static TorchSharp.torch;

namespace Isthmus.Evaluation;

/// <summary>
/// Recomputes batch-norm running statistics for the network's current point (SCIENCE §1, A.2): reset them, then
/// one pass over training data without augmentation in train mode with a cumulative average (momentum = None),
/// as PyTorch's <c>update_bn</c> does. Running statistics carried along a curve or copied from elsewhere are
/// meaningless for a new point.
/// </summary>
public static class BatchNormCalibration
{
    /// <param name="batches">How many batches to use; null = the whole split.</param>
    public static void Recompute(Network net, IBatchSource trainWithoutAugmentation, int? batches = null, CancellationToken ct = default)
    {
        if (!net.HasBatchNorm) return;
        bool wasTraining = net.Training;
        var momentum = net.BatchNormMomentum;
        net.ResetBatchNormStatistics();
        net.Training = true;
        net.BatchNormMomentum = null;
        try
        {
            using var _ = no_grad();
            trainWithoutAugmentation.BeginEpoch(0);
            int count = Math.Min(batches ?? int.MaxValue, trainWithoutAugmentation.BatchesPerEpoch);
            for (int i = 0; i < count; i++)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (x, _) = trainWithoutAugmentation.Batch(i);
                net.Forward(x);
            }
        }
        finally
        {
            net.Training = wasTraining;
            net.BatchNormMomentum = momentum;
        }
    }
}
