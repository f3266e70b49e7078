using Isthmus.Space;
using Isthmus.Storage;

namespace Isthmus.Runs;

/// <summary>
/// A finished (or running) <c>isthmus connect-set</c> folder, read back: its architecture, data, the simplicial complex
/// and the file holding every control point (<see cref="SpaceFile"/> format, <c>set.safetensors</c>: modes first, then
/// connectors). Manifest contract: <c>space.kind = "set"</c>, <c>space.shape</c>, <c>space.modes</c> (N),
/// <c>space.connectors</c> (M), <c>space.simplices[s]</c> = {name, vertices}, <c>space.connector_starts</c>,
/// <c>space.control_points[k]</c> = {name, fixed, source?}, <c>space.sample_by</c>, <c>space.volume_weight</c>;
/// <c>hyperparameters.wd|val|subset</c>; <c>data.name</c>.
/// </summary>
public sealed class SetRun : SpaceRun
{
    public const string SetFile = "set.safetensors";

    private SetRun(RunDirectory run) : base(run, SetFile) { }

    public required SimplicialComplex Complex { get; init; }
    /// <summary>edges or volume (how training drew simplices; evaluation draws the same way).</summary>
    public required string SampleBy { get; init; }
    /// <summary>The train run each mode came from, in vertex order.</summary>
    public required IReadOnlyList<string> ModeSources { get; init; }

    /// <summary>N + M: the modes, then the connectors.</summary>
    public override int ControlPoints => Complex.Vertices;

    public static SetRun Open(string path)
    {
        var (run, space) = OpenFinished(path, "set", SetFile,
            $"{path} is not a set run (made by `isthmus connect-set`); pass a connect-set --out folder.",
            status => $"{path} has not finished training its connectors (status '{status}'); finish it with `isthmus connect-set --out {path} --resume`.");
        var complex = ReadComplex(space, path);
        return new SetRun(run)
        {
            Complex = complex,
            SampleBy = space.SampleBy ?? "edges",
            ModeSources = Enumerable.Range(0, complex.Modes).Select(k => space.ControlPoints is { } p && k < p.Count ? p[k].Source ?? "" : "").ToArray(),
        };
    }

    /// <summary>The manifest's description of <paramref name="complex"/> (what <see cref="Open"/> reads back).</summary>
    public static SpaceSection Space(SimplicialComplex complex, IReadOnlyList<string> modeSources, long parameters, string sampleBy, double volumeWeight, string sampler) => new()
    {
        Kind = "set",
        Shape = complex.Shape,
        Modes = complex.Modes,
        Connectors = complex.Connectors,
        Parameters = parameters,
        File = SetFile,
        Sampler = sampler,
        SampleBy = sampleBy,
        VolumeWeight = volumeWeight,
        ControlPoints = Enumerable.Range(0, complex.Vertices).Select(k => complex.IsConnector(k)
            ? new ControlPointSection { Name = complex.VertexName(k), Fixed = false, Init = "centroid" }
            : new ControlPointSection { Name = complex.VertexName(k), Fixed = true, Source = modeSources[k] }).ToList(),
        Simplices = Enumerable.Range(0, complex.Simplices.Count)
            .Select(s => new SimplexSection { Name = complex.SimplexName(s), Vertices = complex.Simplices[s].ToArray() }).ToList(),
        ConnectorStarts = complex.ConnectorStarts.Select(c => c.Select(x => Math.Round(x, 10)).ToArray()).ToList(),
    };

    private static SimplicialComplex ReadComplex(SpaceSection space, string path)
    {
        IsthmusException Damaged() => new($"{path}/manifest.json does not describe its simplices readably; the run folder is damaged — run connect-set again with --force.");
        try
        {
            return new SimplicialComplex(space.Shape ?? throw Damaged(), space.Modes ?? throw Damaged(), space.Connectors ?? throw Damaged(),
                (space.Simplices ?? throw Damaged()).Select(s => (IReadOnlyList<int>)s.Vertices).ToList(),
                (space.ConnectorStarts ?? throw Damaged()).Select(c => (IReadOnlyList<double>)c).ToList());
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw Damaged();
        }
    }
}
