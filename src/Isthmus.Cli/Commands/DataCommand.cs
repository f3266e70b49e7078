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
        command.Subcommands.Add(Info());
        return command;
    }

    // `data info`: loads a set the way train does (same --subset and --val) and says what the run would see.
    private static Command Info()
    {
        var name = new Argument<string>("name") { Description = "mnist, fashion-mnist, cifar10, cifar100, fortunes, brown, npz:FILE or folder:DIR." };
        var root = CommonOptions.DataRoot();
        var subset = CommonOptions.Subset();
        var val = CommonOptions.Val();
        var info = new Command("info", """
            Say what a data set holds, loaded as `train` would load it (same --subset and --val): the size of each split and
            the classes; for text also the vocabulary, the share of <unk> in the evaluation split, and the perplexity of the
            unigram model (each word predicted from its training frequency, add-one smoothed), the scale a language model's
            perplexity is read against (docs/results.md, Table 3).

            Examples:
              ./isthmus data info mnist
              ./isthmus data info brown --subset 300000 --json
            """);
        info.Arguments.Add(name);
        info.Options.Add(root);
        info.Options.Add(subset);
        info.Options.Add(val);
        info.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var options = new DataOptions(parse.GetValue(root) ?? DataFetcher.DefaultRoot(), parse.GetValue(val), Subset: parse.GetValue(subset));
            using var data = DataCatalog.Load(parse.GetValue(name)!, options);
            var s = DataSummary.Of(data);
            bool text = s.Kind == DataKind.Text;
            string unit = text ? "tokens" : "examples";
            var json = new JsonObject
            {
                ["data"] = s.Name, ["kind"] = text ? "text" : "images", ["train"] = s.Train, ["eval"] = s.Eval,
                ["eval_split"] = s.EvalSplit, [text ? "vocabulary" : "classes"] = s.Classes,
            };
            if (!text) json["input_shape"] = new JsonArray(s.InputShape.Select(d => (JsonNode)d).ToArray());
            var line = $"{s.Name}: {s.Train:N0} training {unit}, {s.Eval:N0} {s.EvalSplit} {unit}, "
                + (text ? $"a vocabulary of {s.Classes:N0}" : $"{s.Classes} classes of [{string.Join(", ", s.InputShape)}]");
            if (text)
            {
                json["eval_unknown_share"] = Math.Round(s.EvalUnknownShare!.Value, 6);
                json["unigram_train_perplexity"] = Math.Round(s.UnigramTrainPerplexity!.Value, 2);
                json["unigram_eval_perplexity"] = Math.Round(s.UnigramEvalPerplexity!.Value, 2);
                line += $"; <unk> is {100 * s.EvalUnknownShare:F1} % of the {s.EvalSplit} tokens; unigram perplexity "
                    + $"{s.UnigramTrainPerplexity:F1} (train), {s.UnigramEvalPerplexity:F1} ({s.EvalSplit})";
            }
            io.Result(line, json);
            return 0;
        }));
        return info;
    }
}
