namespace Isthmus.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show stack traces and extra detail when something fails.", Recursive = true };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "No progress bars or messages; only the result (and errors).", Recursive = true };
    public static readonly Option<bool> Json = new("--json") { Description = "Print the result as JSON on stdout instead of a summary line.", Recursive = true };

    public static IEnumerable<Option> All => [Verbose, Quiet, Json];
}
