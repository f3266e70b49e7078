using SkiaSharp;

namespace Isthmus.Tests.Reporting;

/// <summary>
/// The demo's whole pipeline at toy size through the real command line, then its report in a real headless
/// browser (Debian's chromium): every picture decodes, no script error, and a screenshot is not blank. CI installs
/// chromium (.ci/run) and sets ISTHMUS_REQUIRE_BROWSER=1, so there the browser half never skips.
/// </summary>
public sealed class DemoReportTests(MnistFixture mnist) : MnistTest(mnist)
{
    [SkippableFact]
    public void Demo_pipeline_writes_a_report_that_loads_in_a_browser()
    {
        using var temp = new TempFolder();
        var outDir = System.IO.Path.Combine(temp.Path, "demo");
        var run = CliRunner.Run("demo", "--smoke", "--out", outDir, "--data-root", DataRoot);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);

        var state = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(outDir, "demo.json")))!;
        Assert.Equal("complete", state["status"]!.GetValue<string>());
        var steps = state["steps"]!.AsObject();
        Assert.True(steps.Count >= 12);
        Assert.All(steps, s => Assert.Equal("complete", s.Value!["status"]!.GetValue<string>()));

        var report = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(outDir, "report.json")))!;
        Assert.Equal(3, report["networks"]!.AsArray().Count);
        var families = report["curves"]!.AsArray().Select(c => c!["family"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "bezier", "polychain", "segment" }, families);
        Assert.Equal(3, report["ensembles"]!.AsArray().Count);
        Assert.All(report["ensembles"]!.AsArray(), e => Assert.NotNull(e!["budget_epochs"]));
        Assert.Single(report["planes"]!.AsArray());

        // A second run into the same folder is refused, and --resume of a finished demo redoes nothing.
        var again = CliRunner.Run("demo", "--smoke", "--out", outDir, "--data-root", DataRoot);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);
        var resumed = CliRunner.Run("demo", "--smoke", "--out", outDir, "--data-root", DataRoot, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        var browser = Browser.Find();
        Skip.If(browser is null && Environment.GetEnvironmentVariable("ISTHMUS_REQUIRE_BROWSER") != "1",
            "chromium is not installed (apt-get install chromium); .ci/run installs it.");
        Assert.True(browser is not null, "ISTHMUS_REQUIRE_BROWSER=1 but no chromium on PATH.");

        var html = System.IO.Path.Combine(outDir, "report.html");
        var dom = Browser.Run(browser!, temp.Path, "--dump-dom", new Uri(html).AbsoluteUri);
        var check = System.Text.RegularExpressions.Regex.Match(dom, "data-check=\"([^\"]*)\"").Groups[1].Value;
        Assert.StartsWith("ok images=", check);
        Assert.True(int.Parse(check.Split(' ')[1]["images=".Length..]) >= 6, check);

        var shot = System.IO.Path.Combine(temp.Path, "shot.png");
        Browser.Run(browser!, temp.Path, $"--screenshot={shot}", "--window-size=1280,2400", new Uri(html).AbsoluteUri);
        using var bitmap = SKBitmap.Decode(shot);
        Assert.NotNull(bitmap);
        int inked = 0, total = 0;
        for (int y = 0; y < bitmap.Height; y += 4)
            for (int x = 0; x < bitmap.Width; x += 4, total++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 200 || c.Green < 200 || c.Blue < 200) inked++;
            }
        Assert.True(inked > total / 50, $"the screenshot is nearly blank: {inked} of {total} sampled pixels are not white");
    }
}
