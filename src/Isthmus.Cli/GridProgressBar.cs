using Isthmus.Evaluation;

namespace Isthmus.Cli;

/// <summary>A progress bar with ETA over the points of an evaluation grid (curve t values, plane cells), on stderr.</summary>
internal static class GridProgressBar
{
    public static T Run<T>(Output output, string label, Func<IProgress<GridProgress>, T> work) => ProgressBars.Run(output, work,
        // No terminal: one line per point instead of a bar.
        line: p => $"{label}: {p.Done}/{p.Total} {p.Point}  train loss {p.Last.TrainLoss:F4}  test error {p.Last.Test.Error:F2}%  ({p.Seconds / p.Done:F1} s/point)",
        bars: ctx =>
        {
            ProgressTask? task = null;
            return p =>
            {
                if (task is null || p.Done == 1) task = ctx.AddTask(label, maxValue: p.Total); // a new grid (e.g. the segment after the curve)
                task.Value = p.Done;
                task.Description = Markup.Escape($"{label} {p.Done}/{p.Total} · {p.Point} · loss {p.Last.TrainLoss:F3} · test err {p.Last.Test.Error:F2}%");
            };
        });
}
