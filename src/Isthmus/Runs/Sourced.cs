using Isthmus.Storage;

namespace Isthmus.Runs;

/// <summary>
/// A hyperparameter and where its value came from — <c>cli</c> (given on the command line), <c>run</c> (taken from
/// the run being continued) or <c>default</c> — written to manifests as <c>{"value": …, "source": …}</c>.
/// </summary>
public readonly record struct Sourced(double Value, string Source)
{
    public const string Cli = "cli", FromRun = "run", Default = "default";

    /// <summary>The command line's value if given, else the run's if known, else <paramref name="fallback"/>.</summary>
    public static Sourced Pick(double? cli, double? run, double fallback) =>
        cli is { } c ? new(c, Cli) : run is { } r ? new(r, FromRun) : new(fallback, Default);

    public JsonObject ToJson() => new() { ["value"] = Json.Number(Value), ["source"] = Source };
}
