using Isthmus.Nn;
using Isthmus.Storage;

namespace Isthmus.Experiments;

/// <summary>
/// What a run was trained on, as its manifest records it: the architecture, the data set, the hold-out
/// (<c>hyperparameters.val</c>), the training subset and the weight decay. Whatever is built on a run (a curve, a set,
/// their evaluations) is trained and scored on exactly this.
/// </summary>
public sealed record RunOrigin(ArchitectureSpec Architecture, string Data, int Val, int Subset, double WeightDecay)
{
    public static RunOrigin Read(RunDirectory run)
    {
        var h = run.Manifest["hyperparameters"];
        return new RunOrigin(
            Manifests.ReadArchitecture(run.Manifest["architecture"], run.Path),
            run.Manifest["data"]?["name"]?.GetValue<string>() ?? throw new IsthmusException($"{run.Path}/manifest.json names no data set; the run folder is damaged."),
            h?["val"]?.GetValue<int>() ?? 0,
            h?["subset"]?.GetValue<int>() ?? 0,
            h?["wd"]?.GetValue<double>() ?? 0);
    }
}
