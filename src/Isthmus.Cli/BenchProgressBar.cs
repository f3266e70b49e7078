using Isthmus.Bench;

namespace Isthmus.Cli;

/// <summary>
/// One progress bar with ETA per group of benchmark rows (<c>--only</c>'s names), on stderr. Without a terminal the
/// benchmark's own lines (which group it is timing, and how) are printed instead.
/// </summary>
internal static class BenchProgressBar
{
    public static T Run<T>(Output output, Func<IProgress<BenchProgress>?, Action<string>?, T> work)
    {
        if (!output.ShowProgress) return work(null, output.Info);
        T result = default!;
        output.Bars().Start(ctx =>
        {
            var tasks = new Dictionary<string, ProgressTask>();
            result = work(new SyncProgress<BenchProgress>(p =>
            {
                if (!tasks.TryGetValue(p.Group, out var task))
                    tasks[p.Group] = task = ctx.AddTask(Markup.Escape(p.Group), maxValue: p.Total);
                task.Value = p.Done;
                task.Description = Markup.Escape($"{p.Group} {p.Done}/{p.Total}");
            }), null); // the bars say which group runs; lines would break them
        });
        return result;
    }
}
