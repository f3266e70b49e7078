using Isthmus.Nn;
using Isthmus.Training;

namespace Isthmus.Evaluation;

/// <summary>Train and test metrics of one evaluated point, with the one definition of train loss (NLL + ½·wd·‖w‖²).</summary>
public sealed record PointMetrics(double TrainLoss, Metrics Train, Metrics Test);

/// <summary>
/// Scores the network at its space's current point the way every evaluator in Isthmus does: batch-norm statistics
/// recomputed for this point (SCIENCE §1, A.2), then one eval-mode pass over the training split (no augmentation)
/// and one over the evaluation split. For a plain network without batch norm this equals <c>isthmus evaluate</c>,
/// which is why t = 0 of a curve reproduces its start endpoint.
/// </summary>
public sealed class PointEvaluator(IBatchSource trainForEvaluation, IBatchSource eval, double weightDecay, int? batchNormBatches = null)
{
    /// <summary>The evaluation split this evaluator scores (for callers that align per-example outputs with it).</summary>
    public IBatchSource Eval => eval;

    /// <param name="net">The network, scored at its space's current point.</param>
    /// <param name="ct">Cancels between batches.</param>
    /// <param name="observeEval">Optional: sees each evaluation-split batch's (index, logits, targets); see <see cref="Evaluator.Evaluate"/>.</param>
    public PointMetrics Evaluate(Network net, CancellationToken ct = default, Action<int, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>? observeEval = null)
    {
        BatchNormCalibration.Recompute(net, trainForEvaluation, batchNormBatches, ct);
        var train = Evaluator.Evaluate(net, trainForEvaluation, ct);
        var test = Evaluator.Evaluate(net, eval, ct, observeEval);
        double norm;
        using (var sq = net.Space.SquaredNorm()) norm = sq.item<float>();
        Platform.NativeMemory.Trim(); // grids evaluate hundreds of points: keep the process flat
        return new PointMetrics(Metrics.Loss(train.Nll, weightDecay, norm), train, test);
    }
}
