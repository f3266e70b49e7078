using Isthmus.Bench;

namespace Isthmus.Cli.Commands;

/// <summary><c>isthmus bench bn-batches</c>: the metric error of recalibrating batch norm on N batches.</summary>
internal static class BenchBatchNormCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A finished `isthmus connect` folder of a network with batch norm.", Required = true };
        var batches = new Option<string>("--batches") { Description = "Batch counts (of 1000 training examples) to compare with the whole split.", DefaultValueFactory = _ => "1,3,10,30" };
        var points = new Option<int>("--points") { Description = "Equally spaced t on the curve (the segment's midpoint is added).", DefaultValueFactory = _ => 5 };
        var output = new Option<string?>("--out") { Description = "Also write the table as JSON to this file." };
        var force = new Option<bool>("--force") { Description = "Replace an existing --out file." };
        var dataRoot = CommonOptions.DataRoot();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("bn-batches", """
            Measure what recalibrating batch norm on the first N training batches instead of the whole split costs in
            accuracy: every point of a curve (and the segment's midpoint) is scored with each N and with all batches, and
            the worst and mean metric differences are printed with the time per point. Use it to choose --bn-batches.

            Examples:
              ./isthmus bench bn-batches --run runs/f/bn-bezier
              ./isthmus bench bn-batches --run runs/f/bn-bezier --batches 1,2,5,10,20 --points 3 --json
            """);
        command.AddOptions([run, batches, points, output, force, dataRoot, threads, device]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            BenchCommand.CheckOut(parse.GetValue(output), parse.GetValue(force));
            var counts = parse.GetValue(batches)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0).ToArray();
            var rows = BatchNormBatches.Run(new BatchNormBatchesSettings
            {
                Run = parse.GetValue(run)!, Batches = counts, Points = parse.GetValue(points),
                DataRoot = parse.GetValue(dataRoot), Threads = parse.GetValue(threads), Device = parse.GetValue(device)!,
            }, io.Info, ct);
            var json = new JsonObject
            {
                ["command"] = "isthmus " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                ["threads"] = TorchSharp.torch.get_num_threads(),
                ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                {
                    ["batches"] = r.Batches is { } b ? b : "all", ["examples"] = r.Examples,
                    ["max_test_error_pp"] = Json.Number(r.MaxTestError), ["mean_test_error_pp"] = Json.Number(r.MeanTestError),
                    ["max_test_nll"] = Json.Number(r.MaxTestNll), ["max_train_loss"] = Json.Number(r.MaxTrainLoss),
                    ["max_train_error_pp"] = Json.Number(r.MaxTrainError), ["seconds_per_point"] = Json.Number(r.SecondsPerPoint),
                }).ToArray()),
            };
            var table = new Table().AddColumns("batches", "examples", "test error Δ max / mean (pp)", "test NLL Δ max", "train loss Δ max", "train error Δ max (pp)", "s/point");
            foreach (var r in rows)
                table.AddRow(r.Batches?.ToString(CultureInfo.InvariantCulture) ?? "all", r.Examples.ToString(CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{r.MaxTestError:F2} / {r.MeanTestError:F2}"), r.MaxTestNll.ToString("F4", CultureInfo.InvariantCulture),
                    r.MaxTrainLoss.ToString("F4", CultureInfo.InvariantCulture), r.MaxTrainError.ToString("F2", CultureInfo.InvariantCulture),
                    r.SecondsPerPoint.ToString("F1", CultureInfo.InvariantCulture));
            return BenchCommand.Report(io, parse.GetValue(output), json, table);
        }));
        return command;
    }
}
