using System.Text.Json.Nodes;
using Isthmus.Nn;
using Isthmus.Storage;

namespace Isthmus.Experiments;

/// <summary>
/// A finished run whose weight space has several control points (<see cref="CurveRun"/>, <see cref="SetRun"/>), read
/// back: the folder, what its endpoints or modes were trained on, and the <see cref="SpaceFile"/> holding every
/// control point.
/// </summary>
public abstract class SpaceRun
{
    public required RunDirectory Run { get; init; }
    /// <summary>The architecture, data set, hold-out and subset of the runs it joins; the weight decay it was trained with.</summary>
    public required RunOrigin Origin { get; init; }

    /// <summary>The file in <see cref="Run"/> that holds every control point.</summary>
    protected abstract string SpaceFileName { get; }

    /// <summary>K, the control points of the space.</summary>
    protected abstract int ControlPoints { get; }

    /// <summary>A network with every control point loaded, bound to <paramref name="session"/>'s device.</summary>
    public Network Load(Session session)
    {
        var net = session.Build(Origin.Architecture, ControlPoints, seed: 0);
        SpaceFile.Load(Run.File(SpaceFileName), net);
        return net;
    }

    /// <summary>
    /// Opens <paramref name="path"/> and its manifest's <c>space</c>, refusing a folder whose space is not of
    /// <paramref name="kind"/> (<paramref name="notKind"/>) or whose <paramref name="file"/> is not finished
    /// (<paramref name="unfinished"/>, given the run's status).
    /// </summary>
    protected static (RunDirectory Run, JsonNode Space) OpenFinished(string path, string kind, string file, string notKind, Func<string, string> unfinished)
    {
        var run = RunDirectory.Open(path);
        var space = run.Manifest["space"];
        if (space?["kind"]?.GetValue<string>() != kind)
            throw new IsthmusException(notKind);
        if (run.Status != "complete" || !File.Exists(run.File(file)))
            throw new IsthmusException(unfinished(run.Status));
        return (run, space);
    }
}
