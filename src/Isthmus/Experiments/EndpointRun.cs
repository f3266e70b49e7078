using Isthmus.Nn;
using Isthmus.Storage;

namespace Isthmus.Experiments;

/// <summary>A finished <c>train</c> run read back as an endpoint of a curve: where its weights are and what it was trained on.</summary>
public sealed record EndpointRun(string Path, string ModelFile, ArchitectureSpec Architecture, string Data, int Val, int Subset, double WeightDecay, double? TestError)
{
    public static EndpointRun Open(string path)
    {
        var run = RunDirectory.Open(path);
        var model = run.File(TrainRecipe.ModelFile);
        if (run.Status != "complete" || !File.Exists(model))
            throw new IsthmusException($"{path} has no finished {TrainRecipe.ModelFile} (status '{run.Status}'); finish it with `isthmus train --out {path} --resume` before connecting it.");
        var o = RunOrigin.Read(run);
        return new EndpointRun(run.Path, model, o.Architecture, o.Data, o.Val, o.Subset, o.WeightDecay, run.Manifest["final"]?["test_error"]?.GetValue<double>());
    }

    /// <summary>What a curve needs the two endpoints to share, as one phrase: "mlp(widths=800,800) on mnist".</summary>
    public string Describe() =>
        $"{Architecture} on {Data}" + (Val == 0 ? "" : $" --val {Val}") + (Subset == 0 ? "" : $" --subset {Subset}");

    /// <summary>Opens both endpoints and refuses a pair that no curve can join (other architecture, data set, hold-out or subset).</summary>
    public static (EndpointRun Start, EndpointRun End) OpenPair(string from, string to)
    {
        var a = Open(from);
        var b = Open(to);
        CheckJoinable(a, b, "both endpoints");
        return (a, b);
    }

    /// <summary>Opens the modes of a set (<c>connect-set</c>), refusing any that cannot share one weight space with the first.</summary>
    public static IReadOnlyList<EndpointRun> OpenSet(IReadOnlyList<string> paths)
    {
        if (paths.Count < 2) throw new IsthmusException($"A set needs at least two modes (got {paths.Count}); pass two or more train runs to --modes.");
        var full = paths.Select(System.IO.Path.GetFullPath).ToList();
        if (full.Distinct().Count() != full.Count)
            throw new IsthmusException($"--modes names the same run twice ({full.GroupBy(p => p).First(g => g.Count() > 1).Key}); pass each mode once.");
        var modes = paths.Select(Open).ToList();
        foreach (var m in modes.Skip(1)) CheckJoinable(modes[0], m, "all modes");
        return modes;
    }

    private static void CheckJoinable(EndpointRun a, EndpointRun b, string who)
    {
        if (!a.Architecture.Equals(b.Architecture) || a.Data != b.Data || a.Val != b.Val || a.Subset != b.Subset)
            throw new IsthmusException($"Cannot connect {a.Path} and {b.Path}: {a.Path} is {a.Describe()} but {b.Path} is {b.Describe()}; {who} must be the same architecture trained on the same data.");
    }
}
