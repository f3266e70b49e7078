namespace Isthmus.Cli;

/// <summary>A progress bar with ETA over the members of an ensemble (and their average, last), on stderr.</summary>
internal static class MemberProgressBar
{
    public static T Run<T>(Output output, string label, Func<IProgress<EnsembleProgress>, T> work)
    {
        static string Line(EnsembleProgress p) =>
            $"{p.Done}/{p.Total} · {p.Member} · test err {p.Last.Error:F2}% · NLL {p.Last.Nll:F4}" + (p.Last.Temperature is { } t ? $" · T {t:F3}" : "");
        return ProgressBars.Run(output, work,
            // No terminal: one line per member instead of a bar.
            line: p => $"{label}: {Line(p)}  ({p.Seconds / p.Done:F1} s/member)",
            bars: ctx =>
            {
                ProgressTask? task = null;
                return p =>
                {
                    task ??= ctx.AddTask(label, maxValue: p.Total);
                    task.Value = p.Done;
                    task.Description = Markup.Escape($"{label} {Line(p)}");
                };
            });
    }
}
