using System.Text.Json.Nodes;
using Isthmus.Nn;
using Isthmus.Storage;

namespace Isthmus.Experiments;

/// <summary>
/// A finished <c>isthmus train</c> folder read back for use as a point of a curve or plane: its architecture, data,
/// weight decay, the path of <c>model.safetensors</c> and the metrics its manifest recorded.
/// </summary>
public sealed class TrainedRun
{
    public required RunDirectory Run { get; init; }
    public required ArchitectureSpec Architecture { get; init; }
    public required string Data { get; init; }
    public required int Val { get; init; }
    /// <summary>The run trained on its first Subset training examples (0 = all); its train metrics are on those.</summary>
    public int Subset { get; init; }
    public required double WeightDecay { get; init; }
    public string ModelPath => Run.File(TrainRecipe.ModelFile);

    /// <summary>The manifest's <c>final</c> metrics (train_loss, test_error, ...), if present.</summary>
    public JsonObject? Final => Run.Manifest["final"] as JsonObject;

    public static TrainedRun Open(string path)
    {
        var run = RunDirectory.Open(path);
        if (run.Status != "complete" || !File.Exists(run.File(TrainRecipe.ModelFile)))
            throw new IsthmusException($"{path} is not a finished train run (status '{run.Status}', needs {TrainRecipe.ModelFile}); finish it with `isthmus train --out {path} --resume`.");
        return new TrainedRun
        {
            Run = run,
            Architecture = Manifests.ReadArchitecture(run.Manifest["architecture"], path),
            Data = run.Manifest["data"]?["name"]?.GetValue<string>() ?? throw new IsthmusException($"{path}/manifest.json names no data set; the run folder is damaged."),
            Val = run.Manifest["hyperparameters"]?["val"]?.GetValue<int>() ?? 0,
            Subset = run.Manifest["hyperparameters"]?["subset"]?.GetValue<int>() ?? 0,
            WeightDecay = run.Manifest["hyperparameters"]?["wd"]?.GetValue<double>() ?? 0,
        };
    }

    /// <summary>Refuses runs that cannot share one weight space: another architecture, data set or evaluation split.</summary>
    public static void CheckCompatible(IReadOnlyList<TrainedRun> runs)
    {
        var first = runs[0];
        foreach (var r in runs.Skip(1))
        {
            if (!r.Architecture.Equals(first.Architecture))
                throw new IsthmusException($"{r.Run.Path} holds {r.Architecture} but {first.Run.Path} holds {first.Architecture}; points of one curve or plane need the same architecture.");
            if (r.Data != first.Data || r.Val != first.Val || r.Subset != first.Subset)
                throw new IsthmusException($"{r.Run.Path} was trained on {r.Data} (val {r.Val}, subset {r.Subset}) but {first.Run.Path} on {first.Data} (val {first.Val}, subset {first.Subset}); use runs on the same data.");
        }
    }

    /// <summary>The final metrics of the run at <paramref name="path"/>, if it is a finished Isthmus run; null otherwise.</summary>
    public static JsonObject? FinalOf(string? path)
    {
        if (path is null || !File.Exists(Path.Combine(path, RunDirectory.ManifestFile))) return null;
        try { return RunDirectory.Open(path).Manifest["final"]?.DeepClone() as JsonObject; }
        catch (IsthmusException) { return null; }
    }
}
