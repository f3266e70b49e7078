using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Nn;

namespace Isthmus.Training;

/// <summary>One finished epoch: the row of metrics.csv.</summary>
/// <param name="TrainLoss">Running mean over the epoch of NLL, plus ½·wd·‖w‖² at the epoch's end.</param>
/// <param name="TrainNll">Running mean of the minibatch NLL in train mode (as the reference code reports it).</param>
/// <param name="TrainError">Running error over the epoch, percent.</param>
public sealed record EpochReport(int Epoch, double Rate, double TrainLoss, double TrainNll, double TrainError, double TestNll, double TestError, double Seconds);

/// <summary>The loss became NaN or infinite: a user error (the rate is too high), which a sweep over rates may record and pass over.</summary>
public sealed class TrainingDivergedException(string message) : IsthmusException(message);

/// <summary>Live progress for a progress bar.</summary>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, EpochReport? Last);

/// <summary>Everything one training run needs; the recipe (Experiments/) builds it.</summary>
public sealed record TrainingJob
{
    public required Network Network { get; init; }
    public required IBatchSource Train { get; init; }
    public required IBatchSource Eval { get; init; }
    public required ISchedule Schedule { get; init; }
    public required Sgd Optimizer { get; init; }
    /// <summary>Weight decay on the point; for a one-control-point space the optimiser applies it instead.</summary>
    public required double WeightDecay { get; init; }
    public required int Epochs { get; init; }
    public required long Seed { get; init; }
    /// <summary>Gradient-norm threshold for each step's gradient at the point (<see cref="GradientClipping"/>); 0 = none.</summary>
    public double Clip { get; init; }
    public IPointSampler Sampler { get; init; } = FixedPoint.Instance;
    /// <summary>
    /// Training data without augmentation. When set and the space has several control points, batch norm is recomputed
    /// for the reported point from <see cref="BatchNormCalibration.DefaultGridBatches"/> batches of it before each
    /// epoch's test columns: the running statistics were gathered at random points of the space and mean little at
    /// any one (docs/science.md §1, A.2). Null keeps the running statistics (one network: they are its own).
    /// </summary>
    public IBatchSource? BatchNormData { get; init; }
    /// <summary>Mixed precision of the steps (<see cref="Platform.Precision.AutocastType"/>); null = float32. Evaluation stays float32.</summary>
    public ScalarType? Autocast { get; init; }
    /// <summary>First epoch to run (0 for a new run; the saved epoch count when resuming).</summary>
    public int StartEpoch { get; init; }
    /// <summary>Called after each epoch (checkpoints, resume state, metrics file).</summary>
    public Action<EpochReport>? EpochFinished { get; init; }
    /// <summary>
    /// Called after every optimiser step with that step's clock, inside the step's dispose scope (e.g. to keep the
    /// weights at chosen iterations as ensemble members). Keep it cheap: it runs in the hot loop. The control points
    /// are updated; with several control points the point may already be the next step's (see <see cref="FusedControlStep"/>).
    /// </summary>
    public Action<TrainingClock>? AfterStep { get; init; }
}

/// <summary>
/// The training loop shared by every weight space: per minibatch, pick the point (sampler), forward and backward
/// on it, hand the gradients to the trainable control points, step. One dispose scope per step; losses are
/// summed on the device and read once per epoch, so the loop never waits on the host.
/// </summary>
public static class Trainer
{
    public static IReadOnlyList<EpochReport> Run(TrainingJob job, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var net = job.Network;
        var space = net.Space;
        var reports = new List<EpochReport>();
        int batches = job.Train.BatchesPerEpoch;
        for (int epoch = job.StartEpoch; epoch < job.Epochs; epoch++)
        {
            var clockStart = System.Diagnostics.Stopwatch.StartNew();
            // Seeds per epoch, not per run: the epoch's dropout masks and sampled points do not depend on
            // whether earlier epochs ran in this process (exact resume).
            long epochSeed = MixSeed(job.Seed, epoch);
            manual_seed(epochSeed);
            using var sampling = new Generator((ulong)MixSeed(epochSeed, 1), CPU);
            job.Train.BeginEpoch(epoch);
            job.Sampler.BeginEpoch(space, epoch);
            if (job.Train.IsSequence) net.ResetState();
            net.Training = true;
            net.Autocast = job.Autocast;
            var nllSum = zeros(Array.Empty<long>(), ScalarType.Float64, space.Device).DetachFromDisposeScope();
            var wrong = zeros(Array.Empty<long>(), ScalarType.Int64, space.Device).DetachFromDisposeScope();
            double rate = 0;
            var step = new PointStep(job, space, sampling, batches);
            try
            {
                for (int b = 0; b < batches; b++)
                {
                    ct.ThrowIfCancellationRequested();
                    var stepClock = new TrainingClock(epoch, b, batches, job.Epochs);
                    rate = job.Schedule.Rate(stepClock);
                    using var scope = NewDisposeScope();
                    step.MoveToPoint();
                    var (x, y) = job.Train.Batch(b);
                    if (job.Train.IsSequence) net.DetachState();
                    var logits = net.Forward(x);
                    if (logits.dtype != ScalarType.Float32) logits = logits.to_type(ScalarType.Float32); // autocast: the loss in float32
                    var nll = nn.functional.cross_entropy(logits, y);
                    nll.backward();
                    step.Step(b, rate);
                    using (no_grad())
                    {
                        nllSum.add_(nll.detach().to_type(ScalarType.Float64) * y.shape[0]);
                        wrong.add_(logits.argmax(1).ne(y).sum());
                    }
                    job.AfterStep?.Invoke(stepClock);
                    if ((b & 15) == 0 || b == batches - 1)
                        progress?.Report(new TrainingProgress(epoch, job.Epochs, b + 1, batches, reports.LastOrDefault()));
                }
                net.Autocast = null;
                job.Sampler.MoveToReportedPoint(space);
                if (job.BatchNormData is { } bnData && space.ControlPointCount > 1)
                    BatchNormCalibration.Recompute(net, bnData, BatchNormCalibration.DefaultGridBatches, ct);
                double trainNll = nllSum.item<double>() / job.Train.Examples;
                double trainError = 100.0 * wrong.item<long>() / job.Train.Examples;
                double norm;
                using (var sq = space.SquaredNorm()) norm = sq.item<float>();
                var test = Evaluator.Evaluate(net, job.Eval, ct);
                Platform.NativeMemory.Trim();
                if (!double.IsFinite(trainNll) || !double.IsFinite(test.Nll))
                    throw new TrainingDivergedException($"Training diverged in epoch {epoch + 1} (the loss became NaN or infinite); lower --lr (now {job.Schedule.Rate(new TrainingClock(epoch, 0, batches, job.Epochs)):g}) or raise --batch-size, and start again with --force (or another --out).");
                var report = new EpochReport(epoch + 1, rate, Metrics.Loss(trainNll, job.WeightDecay, norm), trainNll, trainError, test.Nll, test.Error, clockStart.Elapsed.TotalSeconds);
                reports.Add(report);
                job.EpochFinished?.Invoke(report);
                progress?.Report(new TrainingProgress(epoch + 1, job.Epochs, 0, batches, report));
            }
            finally
            {
                net.Autocast = null;
                nllSum.Dispose();
                wrong.Dispose();
            }
        }
        net.Training = false;
        return reports;
    }

    /// <summary>A well-mixed 63-bit seed from a run seed and a counter (SplitMix64 finaliser).</summary>
    public static long MixSeed(long seed, long counter)
    {
        ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)counter + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)((z ^ (z >> 31)) & 0x7FFFFFFFFFFFFFFFUL);
    }
}
