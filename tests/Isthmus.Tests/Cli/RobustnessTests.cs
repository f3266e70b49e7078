using System.Diagnostics;
using Isthmus.Tests.Experiments;
using Xunit;

namespace Isthmus.Tests.Cli;

/// <summary>
/// What a real user does to the tool, through the real command line: interrupts it (Ctrl-C or kill) and resumes,
/// points it at a read-only or full disk. Each case: one sentence, a non-zero exit, no stack trace, and nothing that
/// looks complete but is not. The disk cases mount a small tmpfs, which needs root; elsewhere they skip.
/// </summary>
[Collection(MnistCollection.Name)]
[Trait("Category", "Integration")]
public sealed class RobustnessTests(MnistFixture mnist)
{
    private string[] Train(string outDir, params string[] extra) =>
        ["train", "--data", "mnist", "--model", "mlp", "--widths", "64,64", "--subset", "2048", "--epochs", "20", "--seed", "3",
         "--data-root", mnist.Root, "--threads", "1", "--out", outDir, .. extra];

    [Theory]
    [InlineData("INT")]
    [InlineData("KILL")]
    public void An_interrupted_run_resumes_to_the_same_result_as_an_uninterrupted_one(string signal)
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
                Assert.Contains("--resume", stderr.Result);
                Assert.DoesNotContain("   at ", stderr.Result);
            }
        }
        Assert.False(File.Exists(Path.Combine(cut, "model.safetensors")), "an interrupted run must not leave a final model");
        Assert.Contains("\"running\"", File.ReadAllText(Path.Combine(cut, "manifest.json")));

        var resumed = CliRunner.Run(Train(cut, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.safetensors")), File.ReadAllBytes(Path.Combine(cut, "model.safetensors")));
        Assert.Equal(Rows(whole), Rows(cut));
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
        Assert.Equal(1, result.Stderr.Trim().Split('\n').Length);
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
