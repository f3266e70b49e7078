using Isthmus.Nn;
using Isthmus.Training;
using static TorchSharp.torch;

namespace Isthmus.Evaluation;

/// <summary>Scores a network at its current point on a split, in eval mode, with one host synchronisation at the end.</summary>
public static class Evaluator
{
    /// <param name="net">The network, scored at its space's current point.</param>
    /// <param name="data">The split.</param>
    /// <param name="ct">Cancels between batches.</param>
    /// <param name="observe">Optional: sees each batch's (index, logits, targets) inside the batch's scope, e.g. to
    /// collect softmax outputs for an ensemble without a second pass over the split.</param>
    public static Metrics Evaluate(Network net, IBatchSource data, CancellationToken ct = default, Action<int, Tensor, Tensor>? observe = null)
    {
        bool wasTraining = net.Training;
        net.Training = false;
        try
        {
            using var _ = inference_mode();
            var nllSum = zeros(Array.Empty<long>(), ScalarType.Float64, net.Space.Device).DetachFromDisposeScope();
            var wrong = zeros(Array.Empty<long>(), ScalarType.Int64, net.Space.Device).DetachFromDisposeScope();
            try
            {
                data.BeginEpoch(0);
                if (data.IsSequence) net.ResetState();
                for (int i = 0; i < data.BatchesPerEpoch; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var (x, y) = data.Batch(i);
                    var logits = net.Forward(x);
                    nllSum.add_(nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64));
                    wrong.add_(logits.argmax(1).ne(y).sum());
                    observe?.Invoke(i, logits, y);
                }
                long n = data.Examples;
                return new Metrics(nllSum.item<double>() / n, 100.0 * wrong.item<long>() / n, n);
            }
            finally
            {
                nllSum.Dispose();
                wrong.Dispose();
            }
        }
        finally
        {
            net.Training = wasTraining;
        }
    }
}
