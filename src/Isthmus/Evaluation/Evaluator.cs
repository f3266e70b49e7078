using Isthmus.Data;
using Isthmus.Nn;

namespace Isthmus.Evaluation;

/// <summary>Scores a network at its current point on a split, in eval mode, with one host synchronisation at the end.</summary>
public static class Evaluator
{
    /// <param name="net">The network, scored at its space's current point.</param>
    /// <param name="data">The split.</param>
    /// <param name="ct">Cancels between batches.</param>
    /// <param name="observe">Optional: sees each batch's (index, logits, targets) inside the batch's scope, e.g. to
    /// collect softmax outputs for an ensemble without a second pass over the split.</param>
    public static Metrics Evaluate(Network net, IBatchSource data, CancellationToken ct = default, Action<int, Tensor, Tensor>? observe = null) =>
        Run(net, data, stacked: 0, ct, observe is null ? null : (_, batch, logits, y) => observe(batch, logits, y))[0];

    /// <summary>
    /// Scores the P points stacked in the network's space (<see cref="Space.WeightSpace.MoveToStack"/>) in one pass over
    /// the split; the network must evaluate stacked points (<see cref="Network.EvaluatesStackedPoints"/>). Each point's
    /// logits are reduced by the same operations <see cref="Evaluate"/> uses, so its metrics equal those of the point
    /// alone.
    /// </summary>
    /// <param name="observe">Optional: sees (stacked point q, batch index, the point's logits, targets).</param>
    public static Metrics[] EvaluateStacked(Network net, IBatchSource data, CancellationToken ct = default, Action<int, int, Tensor, Tensor>? observe = null)
    {
        if (net.Space.Stacked == 0) throw new InvalidOperationException("No points are stacked; call MoveToStack first.");
        if (!net.EvaluatesStackedPoints) throw new InvalidOperationException($"{net.Spec} does not evaluate stacked points.");
        return Run(net, data, net.Space.Stacked, ct, observe);
    }

    /// <param name="stacked">0: the one point; P: logits are [P, B, classes].</param>
    private static Metrics[] Run(Network net, IBatchSource data, int stacked, CancellationToken ct, Action<int, int, Tensor, Tensor>? observe)
    {
        bool wasTraining = net.Training;
        net.Training = false;
        int points = Math.Max(1, stacked);
        try
        {
            using var _ = inference_mode();
            var nllSum = zeros([points], ScalarType.Float64, net.Space.Device).DetachFromDisposeScope();
            var wrong = zeros([points], ScalarType.Int64, net.Space.Device).DetachFromDisposeScope();
            try
            {
                data.BeginEpoch(0);
                if (data.IsSequence) net.ResetState();
                for (int i = 0; i < data.BatchesPerEpoch; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var (x, y) = data.Batch(i);
                    // Images: in chunks sized for the network's activations, stacked points' included (EvaluationBatch).
                    var output = !data.IsSequence ? EvaluationBatch.Forward(net, x) : net.Forward(x);
                    for (int q = 0; q < points; q++)
                    {
                        var logits = stacked == 0 ? output : output[q];
                        nllSum[q].add_(nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64));
                        wrong[q].add_(logits.argmax(1).ne(y).sum());
                        observe?.Invoke(q, i, logits, y);
                    }
                }
                long n = data.Examples;
                var nll = nllSum.data<double>().ToArray();
                var errors = wrong.data<long>().ToArray();
                return Enumerable.Range(0, points).Select(q => new Metrics(nll[q] / n, 100.0 * errors[q] / n, n)).ToArray();
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
