using Isthmus.Training;

namespace Isthmus.Cli;

/// <summary>A progress bar with ETA over all minibatches of a run, on stderr.</summary>
internal static class TrainingProgressBar
{
    public static T Run<T>(Output output, string label, Func<IProgress<TrainingProgress>, T> work)
    {
        ProgressTask? task = null;
        return ProgressBars.Run(output, work,
            // No terminal: one line per epoch instead of a bar.
            line: p => p.Batch == 0 && p.Last is { } r
                ? $"{label}: epoch {r.Epoch}/{p.Epochs}  train loss {r.TrainLoss:F4}  test error {r.TestError:F2}%  ({r.Seconds:F1} s)"
                : null,
            bars: ctx =>
            {
                task = ctx.AddTask(label);
                return p =>
                {
                    long total = (long)p.Epochs * p.BatchesPerEpoch;
                    task.MaxValue = total;
                    task.Value = p.Batch == 0 ? (long)p.Epoch * p.BatchesPerEpoch : (long)p.Epoch * p.BatchesPerEpoch + p.Batch;
                    var last = p.Last is { } r ? $" · loss {r.TrainLoss:F3} · test err {r.TestError:F2}%" : "";
                    task.Description = Markup.Escape($"{label} epoch {Math.Min(p.Epoch + (p.Batch == 0 ? 0 : 1), p.Epochs)}/{p.Epochs}{last}");
                };
            },
            finished: () => task!.Value = task.MaxValue);
    }
}
