using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Runs;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Methods;

/// <summary>Settings of <c>isthmus eval-set</c>.</summary>
public sealed record EvalSetSettings : InvocationSettings
{
    /// <summary>A finished <c>connect-set</c> folder.</summary>
    public required string Run { get; init; }
    /// <summary>Points drawn in the simplices (docs/science.md §5; the checks of docs/subspaces.md used 60).</summary>
    public int Samples { get; init; } = 60;
    public long Seed { get; init; } = 1;
    /// <summary>Points on each straight segment between two modes.</summary>
    public int SegmentPoints { get; init; } = 11;
    /// <summary>Grid points per axis of each slice picture (0 = no slices).</summary>
    public int Grid { get; init; } = 11;
    /// <summary>At most this many slices (null = one per pair of modes).</summary>
    public int? Slices { get; init; }
    /// <summary>Batches for batch-norm recomputation; null = the whole training split.</summary>
    public int? BatchNormBatches { get; init; }
    /// <summary>Output folder; null = the set run itself.</summary>
    public string? Out { get; init; }
}

public sealed record EvalSetOutcome(string Folder, SetEvaluation Evaluation, JsonObject Result) : OutcomeWithFigures;

/// <summary>
/// <c>isthmus eval-set</c> (docs/science.md §5): measures the subspace of a <c>connect-set</c> run — its vertices, points drawn
/// uniformly in its simplices, the straight segments between its modes for comparison, and slice pictures through
/// (mode_i, mode_j, connector) — with batch norm recomputed at every point. Writes <c>subspace.json</c>,
/// <c>subspace.csv</c> and <c>slice-&lt;i&gt;-&lt;j&gt;_train_loss.png</c> / <c>_test_error.png</c>. Results written
/// into the set run are derived data: a re-evaluation replaces them, the JSON last.
/// </summary>
public static class EvalSetRecipe
{
    public const string SubspaceJson = "subspace.json", SubspaceCsv = "subspace.csv";

    public static EvalSetOutcome Run(EvalSetSettings s, IProgress<GridProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default) =>
        Run(s, session: null, progress, log, ct);

    /// <summary>Evaluates on the data of an open <paramref name="session"/> (owned by the caller), which must be the set's data set.</summary>
    public static EvalSetOutcome Run(EvalSetSettings s, Session? session, IProgress<GridProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        Validate(s);
        var options = new SetEvaluationOptions(s.Samples, s.Seed, s.SegmentPoints, s.Grid, s.Slices);
        var set = SetRun.Open(s.Run);
        using var opened = Session.OpenFor(set.Kind, s, session, log);
        session ??= opened!;
        using var net = session.Load(set);
        using var space = net.Space;
        var folder = Folder(s, set);             // once the set's file is read: a file that does not fit leaves no folder
        var sampler = new SimplexSampler(set.Complex, set.SampleBy);
        sampler.BeginEpoch(space, 0); // volume weighting: the trained set's volumes
        var evaluator = session.Evaluator(set.WeightDecay, s.BatchNormBatches);
        log?.Invoke($"Evaluating {SetEvaluation.PointCount(set.Complex, options)} points{(net.HasBatchNorm ? " (batch norm recomputed at each)" : "")}...");
        var evaluation = SetEvaluation.Evaluate(net, sampler, options, evaluator, progress, ct);

        bool text = session.Data.Kind == Data.DataKind.Text;
        string title = $"{set.Kind.Architecture.Caption} on {session.Data.Name}";
        var pictures = evaluation.Slices.Select(slice => Pictures(folder, slice, set.Complex, title)).ToList();
        var sliceFiles = pictures.Select(p => p.Select(f => Path.GetFileName(f.Png)).ToArray()).ToList();
        var json = SetResults.ToJson(evaluation, sampler.Probabilities, set.ModeSources, sliceFiles, text);
        json["samples_seed"] = s.Seed;
        json["bn_batches"] = s.BatchNormBatches is { } b ? b : "all";
        json["architecture"] = RunManifest.ToJson(set.Kind.Architecture);
        json["data"] = RunManifest.ToJson(DataSection.Of(session.Data));
        json["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        SetResults.WriteCsv(folder.File(SubspaceCsv), evaluation, text);
        Json.Write(folder.File(SubspaceJson), json);
        if (folder.Manifest.Command == "eval-set") folder.Complete();
        return new EvalSetOutcome(folder.Path, evaluation, json) { Figures = pictures.SelectMany(p => p).ToList() };
    }

    private static void Validate(EvalSetSettings s)
    {
        if (s.Samples < 1) throw new IsthmusException($"--samples must be at least 1 (got {s.Samples}).");
        if (s.SegmentPoints < 2) throw new IsthmusException($"--segment-points must be at least 2 (got {s.SegmentPoints}).");
        if (s.Grid is < 0 or 1) throw new IsthmusException($"--grid must be 0 (no slices) or at least 2 (got {s.Grid}).");
        if (s.Slices is < 0) throw new IsthmusException($"--slices must not be negative (got {s.Slices}).");
        if (s.BatchNormBatches is < 1) throw new IsthmusException($"--bn-batches must be 'all' or a positive number (got {s.BatchNormBatches}).");
    }

    /// <summary>The slice's train loss and test error pictures.</summary>
    private static PlaneFigure[] Pictures(RunDirectory folder, SetSlice slice, Space.SimplicialComplex complex, string title)
    {
        var markers = slice.Points.Select(p => new PlaneMarker(complex.VertexName(p.Vertex), p.X, p.Y)).ToList();
        var surface = slice.Surface;
        string stem = $"slice-{slice.ModeA + 1}-{slice.ModeB + 1}";
        string what = $"{complex.VertexName(slice.ModeA)}, {complex.VertexName(slice.ModeB)}, {complex.VertexName(slice.Connector)}";
        return
        [
            new PlaneFigure(folder.File($"{stem}_train_loss.png"), $"{title}: train loss through {what}", "train loss", surface.X, surface.Y, surface.TrainLoss, markers, slice.Edges, "subspace edges"),
            new PlaneFigure(folder.File($"{stem}_test_error.png"), $"{title}: test error through {what}", "test error (%)", surface.X, surface.Y, surface.TestError, markers, slice.Edges, "subspace edges"),
        ];
    }

    /// <summary>The set run itself (derived results, replaced on re-evaluation), or a new eval-set run folder.</summary>
    private static RunDirectory Folder(EvalSetSettings s, SetRun set)
    {
        if (s.Out is null || Path.GetFullPath(s.Out) == set.Run.Path) return set.Run;
        var run = RunDirectory.Create(s.Out, "eval-set", s.Force, resume: false);
        run.Manifest.Describe(s.CommandLine, set.Kind.Architecture, new DataSection { Name = set.Kind.Data },
            new SpaceSection { Kind = "set-evaluation", Source = set.Run.Path }, s.ToManifest());
        run.SaveManifest();
        return run;
    }
}
