namespace Isthmus.Cli;

/// <summary>
/// Where a command's words go: progress and messages on stderr (so stdout stays clean for --json), the one-line
/// summary or JSON result on stdout.
/// </summary>
internal sealed class Output
{
    public Output(ParseResult parse)
    {
        Quiet = parse.GetValue(GlobalOptions.Quiet);
        AsJson = parse.GetValue(GlobalOptions.Json);
        Verbose = parse.GetValue(GlobalOptions.Verbose);
        Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    }

    public bool Quiet { get; }
    public bool AsJson { get; }
    public bool Verbose { get; }

    /// <summary>The stderr console progress bars draw on.</summary>
    public IAnsiConsole Err { get; }

    /// <summary>Progress bars are drawn only for a person watching a terminal.</summary>
    public bool ShowProgress => !Quiet && !Console.IsErrorRedirected;

    /// <summary>The progress display every command's bars share: description, bar, percentage, elapsed time, ETA, spinner; kept on screen.</summary>
    public Progress Bars() => Err.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn());

    public void Info(string message)
    {
        if (!Quiet) Err.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
    }

    /// <summary>A warning on stderr, shown even with --quiet: the result it qualifies may be misleading.</summary>
    public void Warn(string message) => Console.Error.WriteLine($"warning: {message}"); // one unwrapped line, as errors are

    /// <summary>Prints the command's result: a summary line, or the JSON object with --json.</summary>
    public void Result(string summary, JsonObject json)
    {
        if (AsJson) Console.Out.WriteLine(json.ToJsonString(Storage.Json.Options));
        else Console.Out.WriteLine(summary);
    }
}
