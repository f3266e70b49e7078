
namespace Isthmus.Runs;

/// <summary>
/// Where an evaluating command (eval-curve, plane, merge) writes its results: into the run it evaluates — derived
/// results, replaced when evaluated again — when there is no <c>--out</c> or <c>--out</c> names that run; otherwise
/// into a new run folder whose manifest describes the evaluation.
/// </summary>
public static class ResultFolder
{
    /// <param name="command">The command the new folder's manifest names.</param>
    /// <param name="outPath">--out, or null.</param>
    /// <param name="inPlace">The evaluated run's folder, if results may go there.</param>
    /// <param name="sections">Manifest sections of a new folder (arguments, architecture, data, space, settings).</param>
    /// <param name="needsOut">The one-sentence error when there is neither --out nor a run to write into.</param>
    public static RunDirectory Open(string command, string? outPath, bool force, string? inPlace, JsonObject sections, string needsOut, bool resume = false)
    {
        if (outPath is null)
            return inPlace is not null ? RunDirectory.Open(inPlace) : throw new IsthmusException(needsOut);
        if (inPlace is not null && Path.GetFullPath(outPath) == Path.GetFullPath(inPlace)) return RunDirectory.Open(inPlace);
        var run = RunDirectory.Create(outPath, command, force, resume);
        if (run.Resumed) return run;
        run.Manifest.Adopt(sections);
        run.SaveManifest();
        return run;
    }
}
