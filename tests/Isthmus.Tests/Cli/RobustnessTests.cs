
namespace Isthmus.Tests.Cli;

/// <summary>
/// What a real user does to the tool, through the real command line: interrupts it (Ctrl-C or kill) and resumes,
/// points it at a read-only or full disk. Each case: one sentence, a non-zero exit, no stack trace, and nothing that
/// looks complete but is not. The disk cases mount a small tmpfs, which needs root; elsewhere they skip.
/// </summary>
public sealed class RobustnessTests(MnistFixture mnist) : MnistTest(mnist)
{
    private string[] Train(string outDir, params string[] extra) =>
        ["train", "--data", "mnist", "--model", "mlp", "--widths", "64,64", "--subset", "2048", "--epochs", "20", "--seed", "3",
         "--data-root", DataRoot, "--threads", "1", "--out", outDir, .. extra];

    [Theory]
    [InlineData("INT")]
    [InlineData("KILL")]
    public async Task An_interrupted_run_resumes_to_the_same_result_as_an_uninterrupted_one(string signal)
    {
        using var temp = new TempFolder();
        var whole = temp["whole"];
        Assert.Equal(0, CliRunner.Run(Train(whole)).ExitCode);

        var cut = temp["cut"];
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Isthmus.Cli.dll"));
        foreach (var a in Train(cut)) start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var metrics = Path.Combine(cut, "metrics.csv");
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!(File.Exists(metrics) && File.ReadAllLines(metrics).Length >= 3) && !process.HasExited && DateTime.UtcNow < deadline)
                Thread.Sleep(20);
            Assert.False(process.HasExited, "the run finished before it could be interrupted");
            Process.Start("kill", ["-" + signal, process.Id.ToString()])!.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)));
            if (signal == "INT")
            {
                Assert.Equal(130, process.ExitCode);
                var said = await stderr;
                Assert.Contains("--resume", said);
                Assert.DoesNotContain("   at ", said);
            }
        }
        Assert.False(File.Exists(Path.Combine(cut, "model.safetensors")), "an interrupted run must not leave a final model");
        Assert.Contains("\"running\"", File.ReadAllText(Path.Combine(cut, "manifest.json")));

        var resumed = CliRunner.Run(Train(cut, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.safetensors")), File.ReadAllBytes(Path.Combine(cut, "model.safetensors")));
        Assert.Equal(Rows(whole), Rows(cut));
    }

    [Fact]
    public void An_interrupted_plane_resumes_to_the_same_grid()
    {
        using var temp = new TempFolder();
        var runs = new[] { "a", "b", "c" }.Select((name, i) =>
        {
            var dir = temp[name];
            var r = CliRunner.Run("train", "--data", "mnist", "--model", "mlp", "--widths", "32,32", "--subset", "512", "--epochs", "1",
                "--seed", (i + 1).ToString(), "--data-root", DataRoot, "--threads", "1", "--out", dir);
            Assert.True(r.ExitCode == 0, r.Stderr);
            return dir;
        }).ToArray();
        string[] Plane(string outDir, params string[] extra) =>
            ["plane", "--points", .. runs, "--grid", "40", "--data-root", DataRoot, "--threads", "1", "--out", outDir, .. extra];

        var whole = temp["whole"];
        var full = CliRunner.Run(Plane(whole));
        Assert.True(full.ExitCode == 0, full.Stderr);

        var cut = temp["cut"];
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Isthmus.Cli.dll"));
        foreach (var arg in Plane(cut)) start.ArgumentList.Add(arg);
        using (var process = Process.Start(start)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var saved = Path.Combine(cut, "plane.progress.json");
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!File.Exists(saved) && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.False(process.HasExited, "the grid finished before it could be interrupted");
            Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)));
            Assert.Equal(130, process.ExitCode);
        }
        Assert.False(File.Exists(Path.Combine(cut, "plane.json")), "an interrupted grid must not leave plane.json");
        int savedPoints = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(cut, "plane.progress.json")))!["points"]!.AsArray().Count;
        Assert.InRange(savedPoints, 1, 40 * 40 - 1);

        var resumed = CliRunner.Run(Plane(cut, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.False(File.Exists(Path.Combine(cut, "plane.progress.json")));
        var a = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(whole, "plane.json")))!;
        var b = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(cut, "plane.json")))!;
        foreach (var key in new[] { "x", "y", "train_loss", "train_nll", "train_error", "test_nll", "test_error" })
            Assert.Equal(a[key]!.ToJsonString(), b[key]!.ToJsonString());
    }

    [SkippableFact]
    public void A_full_disk_is_named_and_nothing_looks_complete()
    {
        using var mount = SmallDisk.Mount("size=200k");
        var outDir = Path.Combine(mount.Path, "run");
        var result = CliRunner.Run(Train(outDir));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("disk is full", result.Stderr);
        Assert.Contains("--resume", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(File.Exists(Path.Combine(outDir, "model.safetensors")));
        var manifest = Path.Combine(outDir, "manifest.json");
        Assert.True(!File.Exists(manifest) || !File.ReadAllText(manifest).Contains("\"complete\""));
    }

    [SkippableFact]
    public void A_read_only_location_is_named()
    {
        using var mount = SmallDisk.Mount("ro,size=64k");
        var result = CliRunner.Run(Train(Path.Combine(mount.Path, "run")));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("read-only", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    /// <summary>metrics.csv without its wall-time column: the same numbers, epoch by epoch.</summary>
    private static List<string> Rows(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.csv")).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != SecondsColumn(run)))).ToList();

    private static int SecondsColumn(string run) => Array.IndexOf(File.ReadAllLines(Path.Combine(run, "metrics.csv"))[0].Split(','), "seconds");

    /// <summary>A tiny tmpfs (full or read-only on demand), unmounted and removed on dispose.</summary>
    private sealed class SmallDisk : IDisposable
    {
        private readonly TempFolder folder = new();
        public string Path => folder.Path;

        public static SmallDisk Mount(string options)
        {
            var disk = new SmallDisk();
            using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", options, "tmpfs", disk.Path]) { RedirectStandardError = true })!;
            mount.WaitForExit();
            if (mount.ExitCode != 0)
            {
                disk.folder.Dispose();
                throw new SkipException("mounting a small tmpfs needs root: " + mount.StandardError.ReadToEnd().Trim());
            }
            return disk;
        }

        public void Dispose()
        {
            Process.Start("umount", [Path])!.WaitForExit();
            folder.Dispose();
        }
    }
}
