using Isthmus.Nn;
using Isthmus.Storage;

namespace Isthmus.Runs;

/// <summary>
/// A finished run whose weight space has several control points (<see cref="CurveRun"/>, <see cref="SetRun"/>), read
/// back: the folder, what its endpoints or modes were trained on, and the <see cref="SpaceFile"/> holding every
/// control point.
/// </summary>
public abstract class SpaceRun
{
    /// <summary>What every space run's manifest says alike: what its networks are, and the weight decay they were trained with.</summary>
    protected SpaceRun(RunDirectory run, string spaceFileName)
    {
        Run = run;
        SpaceFileName = spaceFileName;
        Kind = NetworkKind.Read(run);
        WeightDecay = run.Manifest.Hyperparameters?.Wd ?? 0;
    }

    public RunDirectory Run { get; }
    /// <summary>What the runs it joins are: architecture, data set, hold-out and subset.</summary>
    public NetworkKind Kind { get; }

    /// <summary>The weight decay its control points were trained with.</summary>
    public double WeightDecay { get; }

    /// <summary>The file in <see cref="Run"/> that holds every control point.</summary>
    public string SpaceFileName { get; }

    /// <summary>K, the control points of the space.</summary>
    public abstract int ControlPoints { get; }

    /// <summary>Writes every control point into <paramref name="net"/>, a network of <see cref="Kind"/> with <see cref="ControlPoints"/> control points.</summary>
    public void LoadInto(Network net) => SpaceFile.Load(Run.File(SpaceFileName), net);

    /// <summary>
    /// Opens <paramref name="path"/> and its manifest's <c>space</c>, refusing a folder whose space is not of
    /// <paramref name="kind"/> (<paramref name="notKind"/>) or whose <paramref name="file"/> is not finished
    /// (<paramref name="unfinished"/>, given the run's status).
    /// </summary>
    protected static (RunDirectory Run, SpaceSection Space) OpenFinished(string path, string kind, string file, string notKind, Func<string, string> unfinished)
    {
        var run = RunDirectory.Open(path);
        var space = run.Manifest.Space;
        if (space?.Kind != kind)
            throw new IsthmusException(notKind);
        if (!run.IsComplete || !File.Exists(run.File(file)))
            throw new IsthmusException(unfinished(run.Status));
        return (run, space);
    }
}
