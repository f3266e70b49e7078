using Isthmus.Bench;

namespace Isthmus.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer and shorter phases (a few minutes on 2 cores)." };
        var output = new Option<string?>("--out") { Description = "Also write the result as JSON to this file (rewritten after every group of rows; \"complete\": true at the end). `isthmus report` shows it." };
        var dataRoot = CommonOptions.DataRoot();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("bench", $"""
            Measure, in one process on the same data and batch size, the ratios that say what Isthmus costs: curve step ÷
            plain step (MLP; convfc with batch norm), FGE step ÷ plain step, curve-point evaluation ÷ plain inference, grid
            points scored several per pass ÷ one at a time (MLP; convfc with batch norm) and the grid's peak memory ÷
            training's, bf16 step ÷ fp32 step (and the test error of both
            after a short run), memory after many steps ÷ after 100, and plain training against this machine's
            matrix-multiply peak. Prints each ratio with the absolute numbers beside it and, for timed ratios, a 95 %
            confidence interval of the median. Run it on a quiet machine: other processes on the same cores distort every
            timing.

            Examples:
              ./isthmus bench --quick
              ./isthmus bench --json > bench.json
              ./isthmus bench --only curve-mlp --pairs 200      (one ratio, measured closely: about 3 minutes)
              ./isthmus bench --only curve-mlp --widths 200,200 --batch-size 256   (another MLP and minibatch)
            """);
        var only = new Option<string?>("--only")
        {
            Description = $"Only these groups of rows, comma-separated: {string.Join(", ", Benchmark.Groups)} (default: all).",
        };
        var pairs = new Option<int?>("--pairs") { Description = "Pairs of blocks per timed row (default 100 for the MLP's curve and FGE rows, 40 for the others; 16 with --quick). More pairs: a narrower interval, a longer run." };
        var batchSize = new Option<int>("--batch-size") { Description = "Minibatch size of every training row.", DefaultValueFactory = _ => 128 };
        var widths = new Option<string?>("--widths") { Description = "Hidden widths of the MLP in the MLP rows, comma-separated (default 800,800)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing --out file." };
        var smoke = new Option<bool>("--smoke") { Description = "Every row at toy size, for tests (measures nothing).", Hidden = true };
        command.AddOptions([quick, only, pairs, batchSize, widths, smoke, output, force, dataRoot, threads, device]);
        command.Subcommands.Add(BenchBatchNormCommand.Create());
        command.Subcommands.Add(BenchDeepCommand.Create());
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var file = parse.GetValue(output);
            CheckOut(file, parse.GetValue(force));
            string commandLine = "isthmus " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            // The file is rewritten after every group of rows, so that an interrupted run keeps what it measured.
            var settings = new BenchSettings
            {
                Quick = parse.GetValue(quick), Smoke = parse.GetValue(smoke), Pairs = parse.GetValue(pairs),
                BatchSize = parse.GetValue(batchSize), Widths = parse.GetValue(widths),
                Only = parse.GetValue(only)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                DataRoot = parse.GetValue(dataRoot), Threads = parse.GetValue(threads), Device = parse.GetValue(device)!,
            };
            var rows = BenchProgressBar.Run(io, (progress, log) => Benchmark.Run(settings, log, ct,
                measured: sofar => { if (file is not null) Json.Write(file, ToJson(commandLine, sofar, complete: false)); }, progress));
            var json = ToJson(commandLine, rows, complete: true);
            // The notes (how each row was measured) follow the table, numbered, so that the table fits a terminal.
            var table = new Table().AddColumns("", "measure", "ratio (95 % CI)", "baseline → measured", "goal", "verdict");
            var notes = new List<string>();
            foreach (var r in rows)
            {
                notes.Add($"[{notes.Count + 1}] {r.Note}");
                table.AddRow($"{notes.Count}", Markup.Escape(r.Name), RatioText(r),
                    Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{r.Baseline:G4} → {r.Measured:G4} {r.Unit}")),
                    Markup.Escape(r.Goal.Text), Markup.Escape(r.Verdict ?? ""));
            }
            return Report(io, file, json, table, notes);
        }));
        return command;
    }

    /// <summary>The result as written to --out and printed with --json; <paramref name="complete"/> is false while rows are still being measured.</summary>
    private static JsonObject ToJson(string commandLine, IReadOnlyList<BenchRow> rows, bool complete) => new()
    {
        ["command"] = commandLine,
        ["complete"] = complete,
        ["threads"] = TorchSharp.torch.get_num_threads(),
        ["processor_count"] = Environment.ProcessorCount,
        ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Name, ["ratio"] = Json.Number(r.Ratio),
            ["ratio_ci95"] = r.RatioLow is { } low && r.RatioHigh is { } high ? new JsonArray(Json.Number(low), Json.Number(high)) : null,
            ["baseline"] = Json.Number(r.Baseline), ["measured"] = Json.Number(r.Measured), ["unit"] = r.Unit, ["goal"] = r.Goal.Text, ["verdict"] = r.Verdict, ["note"] = r.Note,
        }).ToArray()),
    };

    /// <summary>An existing --out file is replaced only with --force (refused before anything is measured).</summary>
    internal static void CheckOut(string? file, bool force)
    {
        if (file is null) return;
        if (Directory.Exists(file)) throw new IsthmusException($"--out {file} is a folder; pass a file name such as {Path.Combine(file, "bench.json")}.");
        if (File.Exists(file) && !force) throw new IsthmusException($"{file} already exists; pass --force to replace it, or choose another --out.");
    }

    private static string RatioText(BenchRow r) => r.RatioLow is { } low && r.RatioHigh is { } high
        ? string.Create(CultureInfo.InvariantCulture, $"{r.Ratio:F3} ({low:F3}–{high:F3})")
        : r.Ratio.ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>A benchmark's result: JSON into <paramref name="file"/> if given, then JSON on stdout with --json, else the table.</summary>
    internal static int Report(Output io, string? file, JsonObject json, Table table, IReadOnlyList<string>? notes = null)
    {
        if (file is not null) Json.Write(file, json);
        if (io.AsJson) io.Result("", json);
        else
        {
            AnsiConsole.Write(table);
            foreach (var note in notes ?? []) Console.WriteLine(note);
        }
        return 0;
    }
}
