using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Runs;
using Isthmus.Space;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>Settings of <c>isthmus eval-chain</c>.</summary>
public sealed record EvalChainSettings : InvocationSettings
{
    /// <summary>A finished <c>fge</c> or <c>sse</c> folder holding <c>member-&lt;k&gt;.safetensors</c>.</summary>
    public required string Members { get; init; }
    /// <summary>Grid intervals per segment between consecutive members (members sit on grid points).</summary>
    public int PointsPerSegment { get; init; } = 10;
    /// <summary>Output folder; null = the members folder itself.</summary>
    public string? Out { get; init; }
    /// <summary>Batches for batch-norm recomputation; null = the whole training split.</summary>
    public int? BatchNormBatches { get; init; }
}

public sealed record EvalChainOutcome(string Folder, int Members, CurveEvaluation Chain, JsonObject Result) : OutcomeWithFigures;

/// <summary>
/// <c>isthmus eval-chain</c> (Garipov et al. 2018, A.10, Fig. 8): the polygonal chain w_1 → w_2 → … → w_n through
/// consecutive members of an FGE (or SSE) run, evaluated like a curve. It is exactly a <see cref="PolyChain"/> with
/// the n members as its n control points (n − 2 bends; member k at t = (k−1)/(n−1)), so the curve machinery —
/// <see cref="CurveEvaluator"/>, batch norm recomputed per point, <see cref="CurveResults"/> — does all the work.
/// Writes <c>chain.json</c> (curve.json's keys, plus each member's t), <c>chain.csv</c>; <c>chain.png</c> is the outcome's figure.
/// </summary>
public static class EvalChainRecipe
{
    public const string ChainJson = "chain.json", ChainCsv = "chain.csv", ChainPng = "chain.png";

    public static EvalChainOutcome Run(EvalChainSettings s, IProgress<GridProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default) =>
        Run(s, session: null, progress, log, ct);

    /// <summary>Evaluates on the data of an open <paramref name="session"/> (owned by the caller), which must be the members' data set.</summary>
    public static EvalChainOutcome Run(EvalChainSettings s, Session? session, IProgress<GridProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        if (s.PointsPerSegment < 1) throw new IsthmusException($"--points-per-segment must be at least 1 (got {s.PointsPerSegment}).");
        if (s.BatchNormBatches is < 1) throw new IsthmusException($"--bn-batches must be 'all' or a positive number (got {s.BatchNormBatches}).");
        var source = RunDirectory.Open(s.Members);
        var files = Directory.EnumerateFiles(source.Path)
            .Select(f => (Path: f, K: MemberTraining.MemberIndex(Path.GetFileName(f))))
            .Where(f => f.K is not null).OrderBy(f => f.K).ToList();
        if (files.Count < 2)
            throw new IsthmusException($"{s.Members} holds {files.Count} member-<k>.safetensors file{(files.Count == 1 ? "" : "s")}; a chain needs at least two (run `isthmus fge` or `isthmus sse` into it).");
        for (int j = 0; j < files.Count; j++)
            if (files[j].K != j + 1) throw new IsthmusException($"{s.Members} has no {MemberTraining.MemberFile(j + 1)} but has later members; the folder is incomplete.");

        var kind = NetworkKind.Read(source);
        var (architecture, data) = (kind.Architecture, kind.Data);
        double wd = source.Manifest.Hyperparameters?.Wd ?? 0;
        var family = new PolyChain(files.Count - 2);

        var folder = Folder(s, source, architecture, data);
        using var opened = Session.OpenFor(kind, s, session, log);
        session ??= opened!;
        using var net = session.Build(architecture, family.ControlPoints, seed: 0);
        using var space = net.Space;
        for (int k = 0; k < files.Count; k++) Checkpoint.Load(files[k].Path, net, controlPoint: k);

        var ts = PathStatistics.UniformGrid((files.Count - 1) * s.PointsPerSegment + 1);
        var evaluator = session.Evaluator(wd, s.BatchNormBatches);
        var chain = CurveEvaluator.Evaluate(net, family, ts, evaluator, progress, ct);

        var json = CurveResults.ToJson(chain, family.Name, family.Bends);
        json["bn_batches"] = s.BatchNormBatches is { } b ? b : "all";
        json["members"] = new JsonArray(files.Select((f, j) => (JsonNode)new JsonObject
        {
            ["file"] = Path.GetFileName(f.Path),
            ["t"] = Json.Number((double)j / (files.Count - 1)),
            ["evaluated"] = CurveResults.PointJson(chain, j * s.PointsPerSegment),
        }).ToArray());
        json["source"] = source.Path;
        json["architecture"] = RunManifest.ToJson(architecture);
        json["data"] = RunManifest.ToJson(DataSection.Of(session.Data));
        json["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        CurveResults.WriteCsv(folder.File(ChainCsv), chain);
        var figure = new CurveFigure(folder.File(ChainPng), $"{architecture} on {data}: chain through {files.Count} members",
            [new CurveSeries("chain", chain.T, chain.Points.Select(p => p.Metrics.TrainLoss).ToArray(), chain.Points.Select(p => p.Metrics.Test.Error).ToArray(), Dashed: false)]);
        Json.Write(folder.File(ChainJson), json);
        if (folder.Manifest.Command == "eval-chain") folder.Complete();
        return new EvalChainOutcome(folder.Path, files.Count, chain, json) { Figures = [figure] };
    }

    /// <summary>The members folder itself (derived results, replaced on re-evaluation), or a new eval-chain run folder.</summary>
    private static RunDirectory Folder(EvalChainSettings s, RunDirectory source, Nn.ArchitectureSpec architecture, string data)
    {
        if (s.Out is null || Path.GetFullPath(s.Out) == source.Path) return source;
        var run = RunDirectory.Create(s.Out, "eval-chain", s.Force, resume: false);
        run.Manifest.Describe(s.CommandLine, architecture, new DataSection { Name = data }, new SpaceSection { Kind = "chain", Family = "polychain", Source = source.Path },
            new JsonObject { ["points_per_segment"] = s.PointsPerSegment, ["bn_batches"] = s.BatchNormBatches?.ToString() ?? "all" });
        run.SaveManifest();
        return run;
    }
}
