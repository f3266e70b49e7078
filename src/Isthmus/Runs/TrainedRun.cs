using Isthmus.Nn;

namespace Isthmus.Runs;

/// <summary>
/// A finished <c>isthmus train</c> folder read back — the one reader every command uses for it (an endpoint of a
/// curve, a point of a plane, a mode of a set, an ensemble member, FGE's start): where its weights are, what it is
/// (<see cref="NetworkKind"/>), the weight decay it was trained with and the metrics it recorded.
/// </summary>
public sealed class TrainedRun
{
    public const string ModelFile = "model.safetensors";

    public required RunDirectory Run { get; init; }
    public required NetworkKind Kind { get; init; }
    public required double WeightDecay { get; init; }

    public string Path => Run.Path;
    public string ModelPath => Run.File(ModelFile);
    public ArchitectureSpec Architecture => Kind.Architecture;
    public string Data => Kind.Data;
    public int Val => Kind.Val;
    /// <summary>The run trained on its first Subset training examples (0 = all); its train metrics are on those.</summary>
    public int Subset => Kind.Subset;
    public HyperparametersSection? Hyperparameters => Run.Manifest.Hyperparameters;

    /// <summary>The manifest's <c>final</c> metrics, if present.</summary>
    public MetricsSection? Final => Run.Manifest.Final;

    /// <summary>Opens a finished train run; <paramref name="use"/> ends the refusal of an unfinished one ("before connecting it").</summary>
    public static TrainedRun Open(string path, string use = "")
    {
        var run = RunDirectory.Open(path);
        if (!run.IsComplete || !File.Exists(run.File(ModelFile)))
            throw new IsthmusException($"{path} is not a finished train run (status '{run.Status}', needs {ModelFile}); finish it with `isthmus train --out {path} --resume`{use}.");
        return new TrainedRun { Run = run, Kind = NetworkKind.Read(run), WeightDecay = run.Manifest.Hyperparameters?.Wd ?? 0 };
    }

    /// <summary>
    /// Opens runs that are to share one weight space (<paramref name="verb"/>: "connect", "put on one plane"), refusing
    /// a run named twice and any whose kind differs from the first's.
    /// </summary>
    public static IReadOnlyList<TrainedRun> OpenAll(IReadOnlyList<string> paths, string verb, string option)
    {
        var full = paths.Select(System.IO.Path.GetFullPath).ToList();
        if (full.Distinct().Count() != full.Count)
            throw new IsthmusException($"{option} names the same run twice ({full.GroupBy(p => p).First(g => g.Count() > 1).Key}); pass each run once.");
        var runs = paths.Select(p => Open(p)).ToList();
        foreach (var r in runs.Skip(1)) runs[0].Kind.RequireSame(r.Kind, runs[0].Path, r.Path, verb);
        // Two folders can hold one network (a copy): a curve or plane through it twice is degenerate (length 0).
        var hashes = runs.Select(r => Isthmus.Data.FileHash.Sha256OfFile(r.ModelPath)).ToList();
        for (int i = 0; i < runs.Count; i++)
            for (int j = i + 1; j < runs.Count; j++)
                if (hashes[i] == hashes[j])
                    throw new IsthmusException($"{runs[i].Path} and {runs[j].Path} hold the same network (identical weights, SHA-256 {hashes[i][..12]}…); {option} needs different networks.");
        return runs;
    }

    /// <summary>The final metrics of the run at <paramref name="path"/>, if it is a finished Isthmus run; null otherwise.</summary>
    public static MetricsSection? FinalOf(string? path)
    {
        if (path is null || !File.Exists(System.IO.Path.Combine(path, RunDirectory.ManifestFile))) return null;
        try { return RunDirectory.Open(path).Manifest.Final; }
        catch (IsthmusException) { return null; }
    }
}
