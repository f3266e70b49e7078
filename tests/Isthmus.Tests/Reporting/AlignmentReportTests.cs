namespace Isthmus.Tests.Reporting;

/// <summary>
/// The report puts the segments between an aligned pair side by side: before alignment, after, and after with a
/// correction, each with its barriers and its fraction of the barrier before. The run folders are written as the
/// commands write them (manifests and curve.json reduced to the keys the report reads).
/// </summary>
public sealed class AlignmentReportTests
{
    [SkippableFact]
    public void Report_shows_the_barriers_before_and_after_alignment_side_by_side()
    {
        using var temp = new TempFolder();
        string Folder(string name) => Path.Combine(temp.Path, "runs", name);
        Manifest("a", "train", "network", []);
        Manifest("b", "train", "network", []);
        Manifest("b-w", "align", "network", [Folder("a"), Folder("b")], new JsonObject { ["method"] = "weights" });
        Segment("seg-ab-raw", Folder("b"), "none (running statistics interpolated)", 1.60, 1.0);
        Segment("seg-ab", Folder("b"), "batch-norm recomputed", 0.80, 2.0);
        Segment("seg-abw-repair", Folder("b-w"), "repair", 0.30, 5.0);
        Segment("seg-abw", Folder("b-w"), "none", 0.40, 4.0);
        Segment("seg-other", Folder("a"), "none", 9.0, 3.0); // A–A: no part of this pair

        var html = Path.Combine(temp.Path, "report.html");
        HtmlReport.Write(RunCatalog.Scan([Path.Combine(temp.Path, "runs")]), html, "alignment");
        var rows = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(html, ".json")))!["alignment"]!.AsArray();
        Assert.Equal(["before alignment", "before alignment, batch-norm reset", "after alignment", "after alignment + REPAIR"],
            rows.Select(r => r!["stage"]!.GetValue<string>()));
        Assert.Equal(["runs/seg-ab-raw", "runs/seg-ab", "runs/seg-abw", "runs/seg-abw-repair"], rows.Select(r => r!["segment_run"]!.GetValue<string>()));
        Assert.Equal([1.0, 0.5, 0.25, 0.1875], rows.Select(r => r!["fraction_of_before"]!.GetValue<double>())); // Frankle ÷ 1.60
        Assert.All(rows, r => Assert.Equal("weights", r!["method"]!.GetValue<string>()));
        Assert.Equal(0.30 + 0.01, rows[3]!["barrier_max"]!.GetValue<double>(), 9);

        var text = File.ReadAllText(html);
        Assert.Contains("Barriers modulo permutations", text);
        Assert.Contains("after alignment + REPAIR", text);

        var browser = Browser.Find();
        Skip.If(browser is null && Environment.GetEnvironmentVariable("ISTHMUS_REQUIRE_BROWSER") != "1",
            "chromium is not installed (apt-get install chromium); .ci/run installs it.");
        Assert.True(browser is not null, "ISTHMUS_REQUIRE_BROWSER=1 but no chromium on PATH.");
        var dom = Browser.Run(browser!, temp.Path, "--dump-dom", new Uri(html).AbsoluteUri);
        Assert.StartsWith("ok", System.Text.RegularExpressions.Regex.Match(dom, "data-check=\"([^\"]*)\"").Groups[1].Value);
        var table = dom[dom.IndexOf("Barriers modulo permutations", StringComparison.Ordinal)..];
        foreach (var cell in new[] { "1.61 / 1.60 / 1.60", "0.81 / 0.80 / 0.80", "0.41 / 0.40 / 0.40", "0.31 / 0.30 / 0.30", "0.19" })
            Assert.Contains(cell, table);

        void Manifest(string name, string command, string kind, string[] sources, JsonObject? settings = null)
        {
            Directory.CreateDirectory(Folder(name));
            var m = new JsonObject
            {
                ["tool"] = "isthmus", ["command"] = command, ["status"] = "complete", ["created_utc"] = $"2026-01-01T00:00:{Directory.GetDirectories(Path.Combine(temp.Path, "runs")).Length:00}Z",
                ["space"] = new JsonObject { ["kind"] = kind, ["sources"] = new JsonArray(sources.Select(s => (JsonNode)s).ToArray()) },
            };
            if (settings is not null) m["settings"] = settings;
            File.WriteAllText(Path.Combine(Folder(name), "manifest.json"), m.ToJsonString());
        }

        void Segment(string name, string end, string correction, double frankle, double seconds)
        {
            Manifest(name, "eval-curve", "segment", [Folder("a"), end]);
            var barrier = new JsonObject { ["max"] = frankle + 0.01, ["frankle"] = frankle, ["entezari"] = frankle };
            var curve = new JsonObject
            {
                ["family"] = "segment", ["points"] = 5, ["correction"] = correction, ["seconds_per_point"] = seconds,
                ["barrier"] = new JsonObject { ["test_error"] = barrier },
            };
            File.WriteAllText(Path.Combine(Folder(name), "curve.json"), curve.ToJsonString());
        }
    }
}
