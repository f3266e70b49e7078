using Isthmus.Data;

namespace Isthmus.Cli.Commands;

internal static class DataCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "mnist, fashion-mnist, fortunes or brown." };
        name.AcceptOnlyFromAmong("mnist", "fashion-mnist", "fortunes", "brown");
        var root = CommonOptions.DataRoot();
        var fetch = new Command("fetch", """
            Download a data set, check its SHA-256 checksums, and unpack it under the data root (a no-op when it is already there).
            CIFAR-10/100 cannot be downloaded here: put the official binary version in the data root yourself.

            Examples:
              ./isthmus data fetch mnist
              ./isthmus data fetch fashion-mnist --data-root /scratch/data
            """);
        fetch.Arguments.Add(name);
        fetch.Options.Add(root);
        fetch.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var set = parse.GetValue(name)!;
            var dir = parse.GetValue(root) ?? DataFetcher.DefaultRoot();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            bool present = DataFetcher.IsPresent(set, dir);
            if (!present)
            {
                if (io.ShowProgress)
                {
                    io.Err.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                        .Start(ctx =>
                        {
                            var tasks = new Dictionary<string, ProgressTask>();
                            DataFetcher.FetchAsync(set, dir, new SyncProgress<FetchProgress>(p =>
                            {
                                if (!tasks.TryGetValue(p.File, out var task)) tasks[p.File] = task = ctx.AddTask(Markup.Escape(p.File));
                                if (p.TotalBytes is { } total) task.MaxValue = total;
                                task.Value = p.BytesDone;
                            }), ct).GetAwaiter().GetResult();
                        });
                }
                else
                {
                    io.Info($"fetching {set} into {dir} ...");
                    DataFetcher.FetchAsync(set, dir, null, ct).GetAwaiter().GetResult();
                }
            }
            var json = new JsonObject { ["data"] = set, ["root"] = Path.GetFullPath(dir), ["already_present"] = present, ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2) };
            io.Result(present ? $"{set} is already in {dir} (checksums verified)" : $"fetched {set} into {dir} in {clock.Elapsed.TotalSeconds:F1} s (checksums verified)", json);
            return 0;
        }));
        var command = new Command("data", "Manage data sets.");
        command.Subcommands.Add(fetch);
        return command;
    }
}
