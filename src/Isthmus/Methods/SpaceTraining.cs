using Isthmus.Data;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Training;

namespace Isthmus.Methods;

/// <summary>
/// The training shared by every recipe that trains: one network (<c>train</c>: the optimiser's own weight decay, a
/// plain checkpoint), or a weight space with several control points (<c>connect</c>, <c>connect-set</c>: SGD on the
/// trainable control points only, weight decay on the sampled point, docs/science.md §1, the optimiser's own decay 0,
/// checkpoints of every control point). After every epoch: metrics.csv (a space with batch norm recomputes it at the
/// reported point from a few batches first, <see cref="TrainingJob.BatchNormData"/>), an optional numbered checkpoint
/// and the resume state. A space with nothing trainable (a segment) trains nothing.
/// </summary>
public static class SpaceTraining
{
    /// <param name="sampler">How each minibatch picks its point of the space; null for one network.</param>
    /// <param name="autocast">Mixed precision of the steps (<see cref="Platform.Precision.AutocastType"/>); null = float32.</param>
    /// <returns>Every epoch of the run, resumed ones included.</returns>
    public static List<EpochReport> Run(RunDirectory run, Network net, Session session, SgdHyperparameters h, IPointSampler? sampler,
        IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken ct, TorchSharp.torch.ScalarType? autocast = null)
    {
        // One network decays inside the optimiser, as the reference's train.py does; a space decays the sampled point.
        using var optimizer = new Sgd(net.Space.TrainableTensors(), h.Momentum, weightDecay: sampler is null ? h.WeightDecay : 0);
        var history = new List<EpochReport>();
        if (optimizer.Parameters.Count == 0) return history;
        int start = 0;
        if (run.Resumed && ResumeState.TryLoad(run, net, optimizer, out start, history))
            log?.Invoke($"Resuming {run.Path} after epoch {start} of {h.Epochs}.");
        var job = new TrainingJob
        {
            Network = net,
            Train = BatchSources.Training(session.Data, h.BatchSize, h.Seed),
            Eval = BatchSources.Evaluation(session.Data),
            Schedule = Schedules.Create(h.Schedule, h.Lr),
            Optimizer = optimizer,
            WeightDecay = h.WeightDecay,
            Epochs = h.Epochs,
            Seed = h.Seed,
            Sampler = sampler ?? FixedPoint.Instance,
            BatchNormData = sampler is not null && net.HasBatchNorm ? BatchSources.TrainingForEvaluation(session.Data) : null,
            StartEpoch = start,
            Autocast = autocast,
            EpochFinished = TrainingRecord.AfterEpoch(run, net, optimizer, history, h.SaveEvery,
                sampler is null ? (path, metadata) => Storage.Checkpoint.Save(path, net, metadata: metadata) : (path, metadata) => Storage.SpaceFile.Save(path, net, metadata)),
        };
        Trainer.Run(job, progress, ct);
        return history;
    }
}
