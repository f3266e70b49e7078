using Isthmus.Nn;
using Isthmus.Runs;

namespace Isthmus.Methods;

/// <summary>
/// The point ŵ an FGE run starts from, resolved from <c>--from</c>: a <c>train</c> run folder (its final model, or
/// <c>checkpoint-&lt;E&gt;.safetensors</c> for <c>--start-epoch E</c>) with the architecture, data and SGD settings
/// its manifest records, or a safetensors or PyTorch torch.save file of a network trained elsewhere with <c>--data</c>/<c>--model</c>.
/// </summary>
public sealed record FgeStart(string File, string? Run, int? Epoch, ArchitectureSpec Architecture, string Data, int Val, int Subset,
    double? Momentum, double? WeightDecay, int? BatchSize)
{
    public static FgeStart Resolve(FgeSettings s)
    {
        if (s.From == "") throw new IsthmusException("fge needs --from RUN (a train run folder) or --from FILE (.safetensors or PyTorch .pt) with --data and --model; see `isthmus fge --help`.");
        var from = Path.GetFullPath(s.From);
        if (Directory.Exists(from)) return FromRun(from, s);
        if (!System.IO.File.Exists(from)) throw new IsthmusException($"--from {s.From} does not exist; pass a train run folder or a .safetensors or PyTorch .pt file.");
        if (s.StartEpoch is not null) throw new IsthmusException("--start-epoch picks a checkpoint of a run folder; with --from FILE leave it out.");
        if (s.Data is null || s.Model is null)
            throw new IsthmusException($"--from {s.From} is a file, so fge needs --data and --model to know what it holds (e.g. --data mnist --model mlp).");
        return new FgeStart(from, null, null, s.Model, s.Data, s.Val, s.Subset, null, null, null);
    }

    private static FgeStart FromRun(string path, FgeSettings s)
    {
        if (s.Data is not null || s.Model is not null)
            throw new IsthmusException($"--from {s.From} is a run folder, which brings its own data set and architecture; drop --data/--model (they go with --from FILE).");
        var run = RunDirectory.Open(path);
        var h = run.Manifest.Hyperparameters;
        int? epochs = h?.Epochs;
        string file;
        if (s.StartEpoch is null || s.StartEpoch == epochs)
        {
            file = run.File(TrainedRun.ModelFile);
            if (!run.IsComplete || !System.IO.File.Exists(file))
                throw new IsthmusException($"{s.From} has no finished {TrainedRun.ModelFile} (status '{run.Status}'); finish it with `isthmus train --out {s.From} --resume`, or start from one of its checkpoints with --start-epoch.");
        }
        else
        {
            if (s.StartEpoch < 1) throw new IsthmusException($"--start-epoch must be at least 1 (got {s.StartEpoch}).");
            file = run.File($"checkpoint-{s.StartEpoch.Value.ToString(CultureInfo.InvariantCulture)}.safetensors");
            if (!System.IO.File.Exists(file))
            {
                var kept = Directory.EnumerateFiles(path, "checkpoint-*.safetensors").Select(Path.GetFileNameWithoutExtension)
                    .Select(n => int.TryParse(n!["checkpoint-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : -1)
                    .Where(e => e > 0).Order().ToList();
                var which = kept.Count == 0 ? "it kept no checkpoints (train it with --save-every 1)" : $"it kept epochs {string.Join(", ", kept)}";
                throw new IsthmusException($"{s.From} has no checkpoint-{s.StartEpoch}.safetensors: {which}; choose one of those with --start-epoch, or leave it out to start from the final model.");
            }
        }
        var kind = NetworkKind.Read(run);
        return new FgeStart(file, path, s.StartEpoch ?? epochs, kind.Architecture, kind.Data, kind.Val, kind.Subset, h?.Momentum, h?.Wd, h?.BatchSize);
    }

    public JsonObject ToJson() => new()
    {
        ["run"] = Run,
        ["file"] = File,
        ["epoch"] = Epoch,
    };
}
