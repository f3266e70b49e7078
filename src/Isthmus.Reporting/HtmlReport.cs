using static Isthmus.Reporting.ReportFormat;

namespace Isthmus.Reporting;

/// <summary>A step of a pipeline as the report lists it: its name, the command that ran it, and its wall time.</summary>
public sealed record ReportStep(string Name, string Command, double? Seconds);

/// <summary>
/// <c>report.html</c>: one self-contained page (pictures inlined as data URIs, no external script or style) that
/// tells the story of a set of runs: the networks, the curves between them as the paper's Table 2, the barriers before
/// and after alignment, the planes, the
/// ensembles against their budget, the set-connecting subspaces, timings, and the commands that made every number.
/// The same tables go to <c>report.json</c> beside it. A small inline script marks the page once every picture has
/// decoded (<c>data-check</c> on the body), which the browser test reads.
/// </summary>
public static class HtmlReport
{
    public sealed record Result(string Html, string Json, int Images);

    /// <summary>Builds the report for <paramref name="catalog"/> and writes it (and its pictures) to <paramref name="htmlPath"/>.</summary>
    public static Result Write(RunCatalog catalog, string htmlPath, string title, IReadOnlyList<ReportStep>? steps = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(htmlPath))!;
        Directory.CreateDirectory(folder);
        var page = new ReportPage(title);
        var json = new JsonObject { ["title"] = title, ["generated_utc"] = DateTime.UtcNow.ToString("O"), ["roots"] = new JsonArray(catalog.Roots.Select(r => (JsonNode)r).ToArray()) };

        json["networks"] = ConnectivitySections.Networks(catalog, page);
        json["curves"] = ConnectivitySections.Curves(catalog, page);
        json["alignment"] = AlignmentSections.Barriers(catalog, page);
        json["planes"] = ConnectivitySections.Planes(catalog, page);
        json["ensembles"] = EnsembleSections.Ensembles(catalog, page, Path.Combine(folder, "report_ensembles.png"));
        json["comparisons"] = EnsembleSections.Comparisons(catalog, page);
        json["subspaces"] = EnsembleSections.Subspaces(catalog, page);
        json["benchmarks"] = EnsembleSections.Benchmarks(catalog, page);
        json["steps"] = Steps(catalog, page, steps);

        var html = page.Render();
        AtomicFile.WriteAllText(htmlPath, html);
        var jsonText = json.ToJsonString(Json.Options) + "\n";
        AtomicFile.WriteAllText(Path.ChangeExtension(htmlPath, ".json"), jsonText);
        return new Result(html, jsonText, page.Images);
    }

    private static JsonArray Steps(RunCatalog catalog, ReportPage page, IReadOnlyList<ReportStep>? steps)
    {
        var list = steps?.ToList() ?? catalog.Runs.Where(r => r.CommandLine is not null)
            .Select(r => new ReportStep(r.Name, r.CommandLine!, r.Seconds)).ToList();
        var rows = new JsonArray(list.Select(s => (JsonNode)new JsonObject { ["step"] = s.Name, ["command"] = s.Command, ["seconds"] = s.Seconds is { } x ? Json.Number(x) : null }).ToArray());
        if (list.Count == 0) return rows;
        page.Section("timings", "Timings and commands");
        page.Table(["step", "time", "command"], list.Select(s => new[] { s.Name, Seconds(s.Seconds), s.Command }).ToList(), codeColumn: 2);
        if (list.Any(s => s.Seconds is not null))
            page.Paragraph($"Total: {Seconds(list.Sum(s => s.Seconds ?? 0))}.");
        page.Paragraph("Every number above comes from these commands; run them in order to reproduce the page, then `./isthmus report --runs DIR` to rebuild it.");
        return rows;
    }
}
