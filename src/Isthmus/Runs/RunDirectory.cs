using Isthmus.Storage;

namespace Isthmus.Runs;

/// <summary>
/// One folder per command that produces something (docs/architecture.md, "Contracts"): <c>manifest.json</c> says what was
/// run and whether it finished; tensors are safetensors; results JSON/CSV/PNG. An existing folder is never
/// overwritten silently: it is refused, replaced on <c>--force</c>, or continued on <c>--resume</c>.
/// </summary>
public sealed class RunDirectory
{
    public const string ManifestFile = "manifest.json";

    private RunDirectory() { }

    public required string Path { get; init; }

    /// <summary>The manifest as it will be written; edit it and call <see cref="SaveManifest"/>.</summary>
    public required RunManifest Manifest { get; init; }

    /// <summary>True when the folder held an unfinished run that this command continues.</summary>
    public bool Resumed { get; init; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Status in the manifest: <c>running</c> until the command finishes, then <c>complete</c>.</summary>
    public string Status => Manifest.Status;

    /// <summary>True when the run finished (every result file written).</summary>
    public bool IsComplete => Manifest.Status == RunStatus.Complete;

    /// <summary>Opens a folder for a new run, or an unfinished one with <paramref name="resume"/>.</summary>
    public static RunDirectory Create(string path, string command, bool force, bool resume)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Claim(full, path, ManifestFile, force, resume))
        {
            var manifest = new RunManifest(Json.ReadObject(System.IO.Path.Combine(full, ManifestFile)));
            var was = manifest.Command;
            if (was != command)
                throw new IsthmusException($"{path} holds a '{was}' run, not '{command}'; --resume continues the same command.");
            return new RunDirectory { Path = full, Manifest = manifest, Resumed = true };
        }
        var fresh = RunManifest.Fresh(command);
        var run = new RunDirectory { Path = full, Manifest = fresh };
        run.SaveManifest();
        lock (Unstarted) Unstarted.Add((full, fresh.Count));
        return run;
    }

    /// <summary>Folders this process created fresh, with the number of entries their first manifest had.</summary>
    private static readonly List<(string Path, int ManifestEntries)> Unstarted = [];

    /// <summary>
    /// Removes the run folders this process created that hold nothing yet but their first manifest: a command that
    /// fails before it describes its run (a malformed option, a missing data set) then leaves no folder behind that a
    /// retry would have to --force. Folders with anything more in them are kept. Returns how many were removed.
    /// </summary>
    public static int RemoveUnstarted()
    {
        List<(string Path, int ManifestEntries)> created;
        lock (Unstarted)
        {
            created = [.. Unstarted];
            Unstarted.Clear();
        }
        int removed = 0;
        foreach (var (path, entries) in created)
        {
            try
            {
                if (!Directory.Exists(path)) continue;
                var files = Directory.EnumerateFileSystemEntries(path).ToArray();
                if (files.Length != 1 || System.IO.Path.GetFileName(files[0]) != ManifestFile) continue;
                var manifest = new RunManifest(Json.ReadObject(files[0]));
                if (manifest.Count != entries || manifest.Status != RunStatus.Running) continue;
                Directory.Delete(path, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or IsthmusException)
            {
                // Left as it is: the user can still --force it.
            }
        }
        return removed;
    }

    /// <summary>
    /// The folder policy of every command that writes a folder: an existing, non-empty <paramref name="full"/> is
    /// continued with <paramref name="resume"/> (true is returned; it must hold <paramref name="marker"/>), replaced
    /// with <paramref name="force"/>, and refused otherwise; a new or replaced folder is created empty (false).
    /// <paramref name="shown"/> is the path as the user typed it, for messages.
    /// </summary>
    public static bool Claim(string full, string shown, string marker, bool force, bool resume)
    {
        bool exists = Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any();
        if (exists && resume)
        {
            if (!System.IO.File.Exists(System.IO.Path.Combine(full, marker)))
                throw new IsthmusException($"{shown} has no {marker}, so there is nothing to resume; choose another --out or pass --force to replace it.");
            return true;
        }
        if (exists && !force)
            throw new IsthmusException($"{shown} already exists; pass --force to replace it, --resume to continue it, or choose another --out.");
        try
        {
            if (exists) Directory.Delete(full, recursive: true);
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw AtomicFile.Explain(e, full);
        }
        return false;
    }

    /// <summary>
    /// The start rule of a command that builds on other runs (<paramref name="inputs"/>, e.g. "--from and --to"): it
    /// needs them, unless <c>--resume</c> continues the run already in <paramref name="outPath"/>.
    /// </summary>
    private static void RequireInputsOrRun(bool given, bool resume, string outPath, string command, string inputs)
    {
        if (given || resume && Directory.Exists(outPath)) return;
        throw new IsthmusException(resume
            ? $"{outPath} holds no run to resume; pass {inputs} to start one."
            : $"{command} needs {inputs} (or --resume to continue a run in --out); see `isthmus {command} --help`.");
    }

    /// <summary>
    /// The lifecycle of a run built on other runs (curves, sets): refuse a start without <paramref name="inputs"/>,
    /// open them (<paramref name="open"/>) before <paramref name="outPath"/> is touched so that a refusal leaves no
    /// folder, claim the folder, and on <c>--resume</c> continue with the recorded settings and reopen the inputs they
    /// name — unless the run is complete, when the inputs are not needed (default).
    /// </summary>
    public static (RunDirectory Run, T Settings, TInputs? Inputs) Claim<T, TInputs>(T settings, string command, string outPath, bool force, bool resume,
        bool given, string inputs, Func<T, TInputs> open) where T : class
    {
        RequireInputsOrRun(given, resume, outPath, command, inputs);
        var opened = given ? open(settings) : default;
        var run = Create(outPath, command, force, resume);
        if (!run.Resumed) return (run, settings, opened);
        settings = ResumeState.ContinuedSettings(run, settings);
        return (run, settings, run.IsComplete ? default : open(settings));
    }

    /// <summary>Opens a finished (or unfinished) run for reading.</summary>
    public static RunDirectory Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var manifestPath = System.IO.Path.Combine(full, ManifestFile);
        if (!System.IO.File.Exists(manifestPath))
            throw new IsthmusException(Directory.Exists(full)
                ? $"{path} is not an Isthmus run (no {ManifestFile}); pass the folder given to --out."
                : $"{path} does not exist; pass the folder given to --out of a finished run.");
        return new RunDirectory { Path = full, Manifest = new RunManifest(Json.ReadObject(manifestPath)) };
    }

    public void SaveManifest() => Json.Write(File(ManifestFile), Manifest.Json);

    /// <summary>Marks the run complete (only after every result file is written).</summary>
    public void Complete()
    {
        Manifest.Status = RunStatus.Complete;
        Manifest.FinishedUtc = DateTime.UtcNow.ToString("O");
        SaveManifest();
    }

    public static string ToolVersion =>
        typeof(RunDirectory).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
