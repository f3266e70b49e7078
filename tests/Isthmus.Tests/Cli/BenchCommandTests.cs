namespace Isthmus.Tests.Cli;

/// <summary>`isthmus bench` end to end at toy size: every row is there, with a ratio, its interval and a verdict.</summary>
public sealed class BenchCommandTests(MnistFixture mnist) : MnistTest(mnist)
{
    [Fact]
    public void Smoke_bench_reports_every_row_with_a_verdict_and_writes_the_same_json()
    {
        var file = Dir["bench.json"];
        var r = CliRunner.Run("bench", "--smoke", "--json", "--threads", "2", "--data-root", DataRoot, "--out", file);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = JsonNode.Parse(r.Stdout)!.AsObject();
        Assert.Equal(JsonNode.Parse(File.ReadAllText(file))!.ToJsonString(), json.ToJsonString());
        var rows = json["rows"]!.AsArray().Select(x => x!.AsObject()).ToList();
        string[] expected = ["curve step / plain step (mlp)", "curve step / plain step (convfc", "plain step: TorchScript / zoo", "curve step: TorchScript / zoo", "FGE step / plain step", "curve-point evaluation",
            "grid evaluation, stacked / one at a time (mlp)", "grid evaluation, stacked / plain inference (mlp)",
            "grid evaluation, stacked / one at a time (convfc", "grid evaluation, stacked / plain inference (convfc", "grid evaluation peak memory / training peak memory (mlp)", "bf16 step / fp32 step (mlp)", "bf16 step / fp32 step (convfc", "test error after 1 epoch",
            "memory after 120 steps", "plain training / matmul peak", "peak memory of a training step / resident before (preresnet164",
            "peak memory of an evaluation pass / resident before (preresnet164", "cut step / plain step (mlp, d = 10)", "cut step / plain step (mlp, d = 1000)",
            "cut step / plain step (mlp, d = 100000)", "peak memory of cut training / plain training (mlp, d = 100000, fastfood)"];
        Assert.Equal(expected.Length, rows.Count);
        string[] verdicts = ["met", "not met", "at the edge"];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            Assert.StartsWith(expected[i], row["name"]!.GetValue<string>());
            double ratio = row["ratio"]!.GetValue<double>();
            Assert.True(double.IsFinite(ratio) && ratio > 0, $"{row["name"]}: ratio {ratio}");
            if (row["ratio_ci95"] is JsonArray ci)
                Assert.InRange(ratio, ci[0]!.GetValue<double>() - 1e-9, ci[1]!.GetValue<double>() + 1e-9);
            var verdict = row["verdict"]?.GetValue<string>();
            if (row["goal"]!.GetValue<string>() is "—" or "as high as possible") Assert.Null(verdict);
            else Assert.True(verdicts.Contains(verdict) || verdict!.StartsWith("n/a: "), $"{row["name"]}: verdict {verdict}");
        }
        // Timed rows carry their interval; the curve row's goal is the 1.10 bound of docs/performance.md.
        Assert.NotNull(rows[0]["ratio_ci95"]);
        Assert.Equal("≤ 1.10", rows[0]["goal"]!.GetValue<string>());

        // `isthmus report` finds the file and shows every row with its verdict.
        var report = CliRunner.Run("report", "--runs", Dir.Path, "--json");
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Equal(1, JsonNode.Parse(report.Stdout)!["benchmarks"]!.GetValue<int>());
        var shown = JsonNode.Parse(File.ReadAllText(Dir["report.json"]))!["benchmarks"]!.AsArray();
        Assert.Equal(rows.Count, Assert.Single(shown)!["rows"]!.AsArray().Count);
        var html = File.ReadAllText(Dir["report.html"]);
        Assert.Contains("What it costs: isthmus bench", html);
        Assert.Contains($"<td>{rows[0]["verdict"]!.GetValue<string>()}</td>", html);
    }

    [Fact]
    public void Only_selects_groups_of_rows_and_unknown_groups_are_refused_in_one_sentence()
    {
        var r = CliRunner.Run("bench", "--smoke", "--json", "--only", "curve-mlp,grid", "--pairs", "3", "--data-root", DataRoot);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = JsonNode.Parse(r.Stdout)!["rows"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(3, rows.Count);
        Assert.StartsWith("curve step / plain step (mlp)", rows[0]);
        Assert.All(rows.Skip(1), name => Assert.StartsWith("grid evaluation", name));
        Assert.Contains("median of 3 paired ratios", JsonNode.Parse(r.Stdout)!["rows"]![0]!["note"]!.GetValue<string>());
        CliRunner.AssertOneSentenceError(CliRunner.Run("bench", "--only", "curve"), "--only takes groups of rows among curve-mlp");
    }

    [Fact]
    public void Widths_and_batch_size_change_the_MLP_rows_and_bad_values_are_refused()
    {
        var r = CliRunner.Run("bench", "--smoke", "--json", "--only", "curve-mlp,fge", "--widths", "64,32", "--batch-size", "32", "--data-root", DataRoot);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = JsonNode.Parse(r.Stdout)!["rows"]!.AsArray().Select(x => x!.AsObject()).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("curve step / plain step (mlp(widths=64,32))", rows[0]["name"]!.GetValue<string>());
        Assert.Contains("batch 32;", rows[0]["note"]!.GetValue<string>());
        Assert.StartsWith("FGE step / plain step (mlp(widths=64,32))", rows[1]["name"]!.GetValue<string>());
        // 2 epochs of the 60,000 MNIST images in batches of 32.
        Assert.Contains("one member per cycle of 3750 steps", rows[1]["note"]!.GetValue<string>());
        CliRunner.AssertOneSentenceError(CliRunner.Run("bench", "--widths", "800,x"), "option widths takes positive whole numbers");
        CliRunner.AssertOneSentenceError(CliRunner.Run("bench", "--batch-size", "0"), "--batch-size must be at least 1");
    }

    [Fact]
    public async Task An_existing_out_file_needs_force_and_an_interrupted_bench_keeps_the_rows_it_measured()
    {
        var file = Dir["bench.json"];
        File.WriteAllText(file, "{\"keep\": true}");
        CliRunner.AssertOneSentenceError(CliRunner.Run("bench", "--smoke", "--out", file, "--data-root", DataRoot), "already exists; pass --force");
        Assert.Contains("keep", File.ReadAllText(file));

        // Ctrl-C while the second group of rows is measured: the file holds the first, marked incomplete.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Isthmus.Cli.dll"), "bench", "--smoke", "--only", "curve-mlp,curve-convfc",
                     "--pairs", "60", "--threads", "1", "--data-root", DataRoot, "--out", file, "--force" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.ReadAllText(file).Contains("curve step") && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.False(process.HasExited, "the bench finished before it could be interrupted");
        Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)));
        Assert.Equal(130, process.ExitCode);
        Assert.Equal("interrupted: nothing was marked complete.", (await stderr).Trim().Split('\n')[^1]);
        var kept = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.False(kept["complete"]!.GetValue<bool>());
        Assert.StartsWith("curve step / plain step (mlp)", Assert.Single(kept["rows"]!.AsArray())!["name"]!.GetValue<string>());
    }
}
