namespace Isthmus.Tests.Cli;

/// <summary>Runs the built command line in a child process, as a user would, and captures what it says.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Isthmus.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        if (environment is not null) foreach (var kv in environment) start.Environment[kv.Key] = kv.Value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) { process.Kill(true); throw new TimeoutException(string.Join(' ', args)); }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(params string[] args) => Run(null, args);

    /// <summary>The error contract: exit code 2 and one line on stderr, "error: ..." containing <paramref name="expected"/>, no stack trace.</summary>
    public static void AssertOneSentenceError(Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
