using System.Diagnostics;
using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Space;

namespace Isthmus.Methods;

/// <summary>Settings of <c>isthmus ensemble</c>: exactly one of <see cref="Members"/> and <see cref="Curve"/>.</summary>
public sealed record EnsembleSettings : InvocationSettings
{
    /// <summary>Run folders, folders of member-&lt;k&gt;.safetensors, or .safetensors files.</summary>
    public IReadOnlyList<string>? Members { get; init; }
    /// <summary>A finished <c>connect</c> folder whose equally spaced points are the members.</summary>
    public string? Curve { get; init; }
    /// <summary>Points of <see cref="Curve"/> (A.6: 50).</summary>
    public int Points { get; init; } = 50;
    /// <summary>Architecture of members that come without a manifest (files trained elsewhere).</summary>
    public ArchitectureSpec? Model { get; init; }
    /// <summary>Data set of members that come without a manifest.</summary>
    public string? Data { get; init; }
    public bool TemperatureScale { get; init; }
    public int? BatchNormBatches { get; init; }
    public required string Out { get; init; }
}

public sealed record EnsembleOutcome(string Folder, EnsembleEvaluation Evaluation, JsonObject Result) : OutcomeWithFigures;

/// <summary>
/// <c>isthmus ensemble</c> (docs/science.md §2 A.6, §4, §6): every member loaded in turn (points of a curve several per pass
/// where the network can stack them, <see cref="EnsembleMembers"/>), its batch norm recomputed, scored once on the test set; the ensemble is the mean of the members' softmax outputs. Also the first-k ensembles, the
/// pairwise disagreement, the distances between consecutive members and the SWA-style average of their weights.
/// </summary>
public static class EnsembleRecipe
{
    /// <summary>
    /// Evaluates an ensemble of <paramref name="members"/> on <paramref name="session"/>'s data, which must be opened
    /// without a validation hold-out or subset (the members' own <c>--val</c>/<c>--subset</c> are applied here).
    /// The library entry point for <c>fge</c>, <c>sse</c> and <c>compare</c>.
    /// </summary>
    public static EnsembleEvaluation Evaluate(IReadOnlyList<MemberSource> members, Session session, EnsembleOptions? options = null,
        IProgress<EnsembleProgress>? progress = null, CancellationToken ct = default)
    {
        options ??= new EnsembleOptions();
        if (members.Count == 0) throw new IsthmusException("No members to ensemble.");
        Members.CheckCompatible(members);
        foreach (var (name, indices) in options.Compare)
            if (indices.Count == 0 || indices.Any(i => i < 0 || i >= members.Count))
                throw new ArgumentException($"Sub-ensemble '{name}' names members outside 0..{members.Count - 1}.");
        var kind = members[0].Kind;
        using var data = EnsembleData.Arrange(session.Data, kind.Val, kind.Subset, options.TemperatureScale, options.HeldOut);
        using var net = session.Build(kind.Architecture, controlPoints: 1, seed: 0);
        using var space = net.Space;
        var evaluator = new MemberEvaluator(data.TrainForBatchNorm, data.Eval, data.HeldOut, options.BatchNormBatches) { PointsPerPass = options.PointsPerPass };
        using var ensemble = new EnsembleAccumulator(data.Labels);
        var compared = options.Compare.ToDictionary(kv => kv.Key, kv => (Members: kv.Value.ToHashSet(), Ensemble: new EnsembleAccumulator(data.Labels)));
        using var trajectory = new WeightTrajectory();
        var results = new List<MemberResult>();
        int total = members.Count + (options.Average && members.Count > 1 ? 1 : 0);
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var (i, weights, score, logProbabilities) in EnsembleMembers.Score(members, net, k => session.Build(kind.Architecture, k, seed: 0), evaluator, ct))
            {
                trajectory.Add(weights);
                using (logProbabilities)
                {
                    options.MemberEvaluated?.Invoke(i, weights, logProbabilities);
                    var own = ensemble.Add(logProbabilities);
                    foreach (var c in compared.Values.Where(c => c.Members.Contains(i))) c.Ensemble.Add(logProbabilities);
                    results.Add(new MemberResult(members[i].Origin, score, own));
                }
                progress?.Report(new EnsembleProgress(i + 1, total, members[i].Origin, score, clock.Elapsed.TotalSeconds));
            }
            MemberScore? average = null;
            if (total > members.Count)
            {
                // What a user would try next (SWA-style): one network at the mean of the members' weights.
                trajectory.WriteAverage(space);
                var (score, logProbabilities) = evaluator.Evaluate(net, ct);
                logProbabilities.Dispose();
                average = score;
                progress?.Report(new EnsembleProgress(total, total, "average of the members' weights", score, clock.Elapsed.TotalSeconds));
            }
            return new EnsembleEvaluation
            {
                Members = results,
                Ensemble = ensemble.Score(),
                Disagreement = ensemble.Disagreement,
                Distances = trajectory.Steps.ToList(),
                FirstK = ensemble.FirstK.ToList(),
                Average = average,
                Compared = compared.ToDictionary(kv => kv.Key, kv => kv.Value.Ensemble.Score()),
                TemperatureScaling = data.HeldOutSplit,
                BatchNormRecomputed = net.HasBatchNorm,
                Examples = data.Labels.shape[0],
            };
        }
        finally
        {
            foreach (var c in compared.Values) c.Ensemble.Dispose();
        }
    }

    /// <summary>
    /// Runs <c>isthmus ensemble</c>: finds the members, evaluates them, writes ensemble.json, ensemble.csv and
    /// ensemble.png to <see cref="EnsembleSettings.Out"/>. <c>session</c>: data already in memory (tests, library
    /// users), opened without hold-out or subset; null = open the members' data set.
    /// </summary>
    public static EnsembleOutcome Run(EnsembleSettings s, Session? session = null, IProgress<EnsembleProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        if ((s.Members is { Count: > 0 }) == (s.Curve is not null))
            throw new IsthmusException("ensemble needs exactly one of --members RUN_OR_FILE... and --curve DIR; see `isthmus ensemble --help`.");
        if ((s.Model is null) != (s.Data is null))
            throw new IsthmusException("--data and --model go together: they describe members that come without a manifest (bare .safetensors files).");
        var fallback = s.Model is not null ? new NetworkKind(s.Model, s.Data!) : null;
        var members = s.Curve is not null ? Members.CurvePoints(s.Curve, s.Points) : Members.Resolve(s.Members!, fallback);
        var kind = members[0].Kind;
        if (!s.Force && Directory.Exists(s.Out) && Directory.EnumerateFileSystemEntries(s.Out).Any())
            throw new IsthmusException($"{s.Out} already exists; pass --force to replace it, or choose another --out.");
        using var opened = session is null ? Session.Open(kind.Data, s.DataRoot, val: 0, s.Threads, s.Device, subset: 0, log) : null;
        var ready = session ??= opened!;
        EnsembleMembers.Check(members, k => ready.Build(kind.Architecture, k, seed: 0)); // a member that does not fit leaves no folder
        var run = RunDirectory.Create(s.Out, "ensemble", s.Force, resume: false);
        run.Manifest.Describe(s.CommandLine, kind.Architecture, new DataSection { Name = kind.Data });
        run.Manifest.Hyperparameters = new HyperparametersSection { Val = kind.Val, Subset = kind.Subset };
        run.Manifest.SetSection(ManifestKey.Members, new JsonArray(members.Select(m => (JsonNode)JsonValue.Create(m.Origin)!).ToArray()));
        run.Manifest.Settings = new JsonObject
        {
            ["curve"] = s.Curve is null ? null : Path.GetFullPath(s.Curve),
            ["points"] = s.Curve is null ? null : s.Points,
            ["temperature_scale"] = s.TemperatureScale,
            ["bn_batches"] = s.BatchNormBatches?.ToString() ?? "all",
        };
        run.SaveManifest();
        var options = new EnsembleOptions
        {
            TemperatureScale = s.TemperatureScale,
            BatchNormBatches = s.BatchNormBatches,
            Compare = s.Curve is null ? new Dictionary<string, IReadOnlyList<int>>() : new Dictionary<string, IReadOnlyList<int>> { ["endpoints"] = [0, members.Count - 1] },
        };
        var evaluation = Evaluate(members, session, options, progress, ct);
        var context = new JsonObject
        {
            ["architecture"] = RunManifest.ToJson(kind.Architecture),
            ["data"] = RunManifest.ToJson(DataSection.Of(session.Data)),
        };
        if (s.Curve is not null) context["curve"] = new JsonObject { ["run"] = Path.GetFullPath(s.Curve), ["points"] = s.Points };
        string title = $"{kind.Architecture.Caption} on {kind.Data}";
        var json = EnsembleResults.Write(run.Path, evaluation, context);
        run.Manifest.SetSection(ManifestKey.Final, json["ensemble"]!.DeepClone());
        run.Complete();
        return new EnsembleOutcome(run.Path, evaluation, json) { Figures = [EnsembleResults.Figure(run.Path, evaluation, title)] };
    }
}
