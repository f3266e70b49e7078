using Isthmus.Nn;

namespace Isthmus.Runs;

/// <summary>
/// A finished <c>isthmus train</c> folder read back — the one reader every command uses for it (an endpoint of a
/// curve, a point of a plane, a mode of a set, an ensemble member, FGE's start): where its weights are, what it is
/// (<see cref="NetworkKind"/>), the weight decay it was trained with and the metrics it recorded. A bare checkpoint
/// (<c>.safetensors</c>, or PyTorch's <c>.pt</c>/<c>.pth</c>/<c>.bin</c>) stands in for one when the command is told
/// what it holds (<see cref="OpenFile"/>); it has no <see cref="Run"/> and records nothing.
/// </summary>
public sealed class TrainedRun
{
    public const string ModelFile = "model.safetensors";

    /// <summary>The run folder; null for a bare checkpoint.</summary>
    public RunDirectory? Run { get; init; }
    public required NetworkKind Kind { get; init; }
    public required double WeightDecay { get; init; }

    /// <summary>The run folder, or the checkpoint file itself.</summary>
    public required string Path { get; init; }
    public required string ModelPath { get; init; }
    public ArchitectureSpec Architecture => Kind.Architecture;
    public string Data => Kind.Data;
    public int Val => Kind.Val;
    /// <summary>The run trained on its first Subset training examples (0 = all); its train metrics are on those.</summary>
    public int Subset => Kind.Subset;
    public HyperparametersSection? Hyperparameters => Run?.Manifest.Hyperparameters;

    /// <summary>The manifest's <c>final</c> metrics, if present.</summary>
    public MetricsSection? Final => Run?.Manifest.Final;

    /// <summary>File endings of checkpoints that can stand in for a train run (read by <see cref="Storage.StateDict"/>).</summary>
    public static readonly IReadOnlyList<string> CheckpointEndings = [".safetensors", ".pt", ".pth", ".bin"];

    /// <summary>Opens a finished train run; <paramref name="use"/> ends the refusal of an unfinished one ("before connecting it").</summary>
    public static TrainedRun Open(string path, string use = "")
    {
        var run = RunDirectory.Open(path);
        if (!run.IsComplete || !File.Exists(run.File(ModelFile)))
            throw new IsthmusException($"{path} is not a finished train run (status '{run.Status}', needs {ModelFile}); finish it with `isthmus train --out {path} --resume`{use}.");
        return new TrainedRun
        {
            Run = run, Path = run.Path, ModelPath = run.File(ModelFile), Kind = NetworkKind.Read(run), WeightDecay = run.Manifest.Hyperparameters?.Wd ?? 0,
        };
    }

    /// <summary>
    /// A bare checkpoint as a trained network of <paramref name="kind"/> (the command's --data and --model), trained
    /// with <paramref name="weightDecay"/> as far as the command is told. Its tensors are read, and matched to the
    /// network by name, only when it is loaded.
    /// </summary>
    public static TrainedRun OpenFile(string path, NetworkKind kind, double weightDecay)
    {
        if (!File.Exists(path)) throw new IsthmusException($"{path} does not exist; pass a train run folder or a checkpoint file.");
        if (!CheckpointEndings.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            throw new IsthmusException($"{path} is neither a run folder nor a checkpoint ({string.Join(", ", CheckpointEndings)}); pass a train run folder or a checkpoint file.");
        var full = System.IO.Path.GetFullPath(path);
        return new TrainedRun { Path = full, ModelPath = full, Kind = kind, WeightDecay = weightDecay };
    }

    /// <summary>
    /// A train run folder (<see cref="Open"/>) or, given <paramref name="bare"/> (the command's --data and --model), a
    /// checkpoint file (<see cref="OpenFile"/>); a file without them is refused, naming the options, in
    /// <paramref name="option"/>'s words.
    /// </summary>
    public static TrainedRun OpenEither(string path, string option, BareCheckpoints? bare)
    {
        if (Directory.Exists(path) || !File.Exists(path)) return Open(path);
        if (bare is null)
            throw new IsthmusException($"{path} (in {option}) is a checkpoint file without a run manifest, so the command needs --data and --model to know what it holds (e.g. --data mnist --model mlp --widths 800,800).");
        return OpenFile(path, bare.Kind, bare.WeightDecay);
    }

    /// <summary>
    /// Opens runs that are to share one weight space (<paramref name="verb"/>: "connect", "put on one plane"), refusing
    /// a run named twice and any whose kind differs from the first's.
    /// </summary>
    public static IReadOnlyList<TrainedRun> OpenAll(IReadOnlyList<string> paths, string verb, string option, BareCheckpoints? bare = null)
    {
        var full = paths.Select(System.IO.Path.GetFullPath).ToList();
        if (full.Distinct().Count() != full.Count)
            throw new IsthmusException($"{option} names the same run twice ({full.GroupBy(p => p).First(g => g.Count() > 1).Key}); pass each run once.");
        if (bare is not null && paths.All(Directory.Exists))
            throw new IsthmusException($"--data and --model describe checkpoint files, but {option} names only run folders, which bring their own; drop --data and --model.");
        var runs = paths.Select(p => OpenEither(p, option, bare)).ToList();
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
