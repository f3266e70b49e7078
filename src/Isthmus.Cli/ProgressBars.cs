namespace Isthmus.Cli;

/// <summary>
/// What every progress display does: on a terminal, live bars on stderr kept up to date by the updater that
/// <c>bars</c> makes; otherwise (output piped, or --quiet) the line <c>line</c> gives for a report, if any, instead
/// of a bar, and nothing at all with --quiet.
/// </summary>
internal static class ProgressBars
{
    public static T Run<T, TProgress>(Output output, Func<IProgress<TProgress>, T> work, Func<TProgress, string?> line,
        Func<ProgressContext, Action<TProgress>> bars, Action? finished = null)
    {
        if (!output.ShowProgress)
            return work(new SyncProgress<TProgress>(p =>
            {
                if (!output.Quiet && line(p) is { } text) Console.Error.WriteLine(text);
            }));
        T result = default!;
        output.Bars().Start(ctx =>
        {
            result = work(new SyncProgress<TProgress>(bars(ctx)));
            finished?.Invoke();
        });
        return result;
    }
}
