namespace Isthmus.Cli.Commands;

/// <summary><c>isthmus report</c>: rebuilds report.html (and report.json) from any finished runs.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Option<string[]>("--runs")
        {
            Description = "Folders to scan (at any depth up to four) for runs and their results.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = CommonOptions.Out(required: false);
        output.Description = "The HTML file to write (default: report.html in the first --runs folder). report.json and report_ensembles.png go beside it.";
        var title = new Option<string>("--title") { Description = "Title of the page.", DefaultValueFactory = _ => "Isthmus report" };
        var command = new Command("report", """
            Build a self-contained HTML report (pictures inlined; opens offline) from finished runs: trained networks,
            curves as the paper's Table 2 (with its MNIST FC rows when they apply), planes, ensembles against their
            training budget, set-connecting subspaces, benchmark results (files written by `isthmus bench --out`), timings
            and the commands that made them. report.json holds the same tables.

            Examples:
              ./isthmus report --runs runs/demo
              ./isthmus report --runs runs/t2 runs/fg --out runs/all.html --title "MNIST experiments"
            """);
        command.AddOptions([runs, output, title]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var roots = parse.GetValue(runs)!;
            var catalog = RunCatalog.Scan(roots);
            var path = parse.GetValue(output) ?? Path.Combine(roots[0], "report.html");
            var report = HtmlReport.Write(catalog, path, parse.GetValue(title)!);
            var benchmarks = catalog.Benchmarks.Count == 0 ? "" : $" and {Words.Count(catalog.Benchmarks.Count, "benchmark result")}";
            io.Result($"report of {Words.Count(catalog.Runs.Count, "run")}{benchmarks} with {Words.Count(report.Images, "picture")} → {path}",
                new JsonObject { ["report"] = Path.GetFullPath(path), ["runs"] = catalog.Runs.Count, ["benchmarks"] = catalog.Benchmarks.Count, ["pictures"] = report.Images });
            return 0;
        }));
        return command;
    }
}
