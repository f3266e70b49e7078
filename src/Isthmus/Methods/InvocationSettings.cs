using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// What every command that writes a folder is told besides what to compute: how this invocation runs (threads,
/// device, where the data sets are), whether it may replace an existing folder, and the command line as typed, for
/// the manifest. A resumed run takes these from the new command line, not from its manifest (<see cref="ResumeState"/>).
/// </summary>
public abstract record InvocationSettings
{
    public int? Threads { get; init; }
    public string Device { get; init; } = "auto";
    public string? DataRoot { get; init; }
    public bool Force { get; init; }
    /// <summary>The command line as typed, for the manifest.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];

    /// <summary>The record as the manifest's <c>settings</c> keeps it (without the command line, which has its own section), read back on <c>--resume</c>.</summary>
    public JsonObject ToManifest() => JsonSerializer.SerializeToNode(this with { CommandLine = [] }, GetType(), Json.Options)!.AsObject();
}
