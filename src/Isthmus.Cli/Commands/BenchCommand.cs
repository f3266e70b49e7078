using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Isthmus.Experiments.Bench;
using Isthmus.Storage;
using Spectre.Console;

namespace Isthmus.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer and shorter phases (a few minutes on 2 cores)." };
        var output = new Option<string?>("--out") { Description = "Also write bench.json to this file." };
        var dataRoot = CommonOptions.DataRoot();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("bench", """
            Measure, in one process on the same data and batch size, the ratios that say what Isthmus costs: curve step ÷ plain
            step (MLP; convfc with batch norm), FGE step ÷ plain step, curve-point evaluation ÷ plain inference, grid points scored 8 per pass ÷ one
            at a time, bf16 step ÷ fp32 step (and the test error of both after a short run), memory after many steps ÷ after
            100, and plain training against this machine's matrix-multiply peak. Prints each ratio with the absolute
            numbers beside it. Run it on a quiet machine: other processes on the same cores distort every timing.

            Examples:
              ./isthmus bench --quick
              ./isthmus bench --json > bench.json
            """);
        foreach (var o in new Option[] { quick, output, dataRoot, threads, device }) command.Options.Add(o);
        command.Subcommands.Add(BenchBatchNormCommand.Create());
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var rows = Benchmark.Run(new BenchSettings
            {
                Quick = parse.GetValue(quick), DataRoot = parse.GetValue(dataRoot), Threads = parse.GetValue(threads), Device = parse.GetValue(device)!,
            }, io.Info, ct);
            var json = new JsonObject
            {
                ["command"] = "isthmus " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                ["threads"] = TorchSharp.torch.get_num_threads(),
                ["processor_count"] = Environment.ProcessorCount,
                ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name, ["ratio"] = Json.Number(r.Ratio), ["baseline"] = Json.Number(r.Baseline),
                    ["measured"] = Json.Number(r.Measured), ["unit"] = r.Unit, ["goal"] = r.Goal, ["note"] = r.Note,
                }).ToArray()),
            };
            var table = new Table().AddColumns("measure", "ratio", "baseline", "measured", "unit", "goal", "note");
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.Name), r.Ratio.ToString("F3", CultureInfo.InvariantCulture), r.Baseline.ToString("G4", CultureInfo.InvariantCulture),
                    r.Measured.ToString("G4", CultureInfo.InvariantCulture), r.Unit, Markup.Escape(r.Goal), Markup.Escape(r.Note));
            return Report(io, parse.GetValue(output), json, table);
        }));
        return command;
    }

    /// <summary>A benchmark's result: JSON into <paramref name="file"/> if given, then JSON on stdout with --json, else the table.</summary>
    internal static int Report(Output io, string? file, JsonObject json, Table table)
    {
        if (file is not null) Json.Write(file, json);
        if (io.AsJson) io.Result("", json);
        else AnsiConsole.Write(table);
        return 0;
    }
}
