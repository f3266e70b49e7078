using System.Diagnostics;
using Isthmus.Methods;
using Isthmus.Runs;
using Isthmus.Data;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Studies;

/// <summary>The result of <c>isthmus compare</c>: the table and compare.json.</summary>
public sealed record CompareOutcome(string Folder, IReadOnlyList<CompareRow> Rows, JsonObject Result, double Seconds, bool AlreadyComplete) : OutcomeWithFigures;

/// <summary>
/// <c>isthmus compare</c>: Ind, SSE and FGE at equal budgets kB (Garipov et al. 2018, §5, Table 1 and Figure 3;
/// docs/science.md §4). The plan (<see cref="ComparePlan"/>) lists ordinary <c>train</c>, <c>sse</c> and <c>fge</c> runs under
/// the output folder; each is trained by its own recipe on one shared copy of the data, skipped when already complete
/// and continued when interrupted. Then every network is scored once and every ensemble built from those scores
/// (<see cref="CompareEvaluation"/>), and the table, the diversity figures and Figure 3 are written
/// (<see cref="CompareResults"/>).
/// </summary>
public static class CompareRecipe
{
    public static CompareOutcome Run(CompareSettings s, Session? session = null, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var run = MemberTraining.Reopen(s.Out, s.Resume, "compare", ref s, (saved, architecture) => saved with { Model = architecture ?? saved.Model });
        if (run?.IsComplete == true)
        {
            var done = Json.ReadObject(run.File(CompareResults.JsonFile));
            return new CompareOutcome(run.Path, done["table"]!.AsArray().Select(n => CompareRow.FromJson(n!)).ToList(), done, 0, AlreadyComplete: true);
        }
        ComparePlan.Validate(s);

        using var opened = session is null ? Session.Open(s.Data, s.DataRoot, val: 0, s.Threads, s.Device, s.Subset, log) : null;
        session ??= opened!;
        var plan = ComparePlan.Create(s, BatchSources.Training(session.Data, s.BatchSize, 0).BatchesPerEpoch);
        run ??= RunDirectory.Create(s.Out, "compare", s.Force, s.Resume);
        var earlier = run.Manifest.Section(ManifestKey.Plan)?["reused_from"]?["runs"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
        var context = Describe(run, s, plan, session);

        // Runs copied by --reuse-from in an earlier, interrupted invocation stay reused (their FGE runs may be copied too).
        var reused = new HashSet<string>(earlier);
        for (int i = 0; i < plan.Runs.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var sub = plan.Runs[i];
            log?.Invoke($"[{i + 1}/{plan.Runs.Count}] {sub.Name}: {Describe(sub)}");
            Train(s, plan, run, sub, session, reused, progress, log, ct);
            if (reused.Count == 0) continue;
            context["reused_from"] = new JsonObject { ["folder"] = Path.GetFullPath(s.ReuseFrom!), ["runs"] = new JsonArray(reused.Order().Select(r => (JsonNode)r).ToArray()) };
            run.Manifest.SetSection(ManifestKey.Plan, context.DeepClone());
            run.SaveManifest();
        }

        log?.Invoke("Scoring the ensembles (each network once)...");
        var (cells, diversity) = CompareEvaluation.Evaluate(plan, run, session, s.Model, log, ct);
        var rows = CompareResults.Rows(cells, s.Budget);
        var title = $"{s.Model} on {s.Data}, B = {s.Budget}";
        var json = CompareResults.Write(run, context, rows, cells, diversity, title, s.Budget, s.Ks);
        run.Manifest.SetSection(ManifestKey.Final, json["table"]!.DeepClone());
        run.Complete();
        return new CompareOutcome(run.Path, rows, json, clock.Elapsed.TotalSeconds, AlreadyComplete: false)
        {
            Figures =
            [
                new TrajectoryFigure(run.File(CompareResults.TrajectoryPng), run.File(plan.TracedRun), $"{title}: FGE run {plan.TracedRun}"),
                CompareResults.TimeFigure(run, rows, cells, title, s.Budget, s.Ks),
            ],
        };
    }

    /// <summary>
    /// Trains one sub-run with its own recipe, continuing it if a folder is there (a finished one returns at once), or
    /// copies it from <see cref="CompareSettings.ReuseFrom"/> when that holds the same run (<see cref="TryReuse"/>).
    /// </summary>
    private static void Train(CompareSettings s, ComparePlan plan, RunDirectory compare, SubRun sub, Session session, ISet<string> reused,
        IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken ct)
    {
        var path = compare.File(sub.Name);
        bool Reuse(object settings) => TryReuse(s, sub, path, settings, session, reused, log);
        switch (sub.Kind)
        {
            case SubRunKind.Train:
                var train = new TrainSettings
                {
                    Data = s.Data, Model = s.Model, Out = path, Epochs = sub.Epochs, BatchSize = s.BatchSize, Lr = s.Lr, Momentum = s.Momentum,
                    WeightDecay = s.WeightDecay, Schedule = "standard", Seed = sub.Seed, SaveEvery = sub.StartEpoch, Subset = s.Subset,
                    Threads = s.Threads, Device = s.Device, DataRoot = s.DataRoot, Resume = true, CommandLine = s.CommandLine,
                };
                if (!Reuse(train)) TrainRecipe.Run(train, session, progress, log, ct);
                break;
            case SubRunKind.Sse:
                var sse = new SseSettings
                {
                    Data = s.Data, Model = s.Model, Out = path, Budget = sub.Epochs, Snapshots = sub.Snapshots, Lr0 = s.SseLr0, Momentum = s.Momentum,
                    WeightDecay = s.WeightDecay, BatchSize = s.BatchSize, Seed = sub.Seed, Subset = s.Subset,
                    Threads = s.Threads, Device = s.Device, DataRoot = s.DataRoot, Resume = true, CommandLine = s.CommandLine,
                };
                if (!Reuse(sse)) SseRecipe.Run(sse, session, progress, log, ct);
                break;
            case SubRunKind.Fge:
                var fge = new FgeSettings
                {
                    From = compare.File(sub.From!), StartEpoch = sub.StartEpoch, Out = path, Epochs = sub.Epochs, Cycle = plan.FgeCycleEpochs,
                    Lr1 = s.FgeLr1, Lr2 = s.FgeLr2, Seed = sub.Seed, TrajectoryPoints = sub.TrajectoryPoints,
                    Threads = s.Threads, Device = s.Device, DataRoot = s.DataRoot, Resume = true, CommandLine = s.CommandLine,
                };
                if (!(reused.Contains(sub.From!) && Reuse(fge))) FgeRecipe.Run(fge, session, progress, log, ct);
                break;
        }
    }

    /// <summary>Settings keys that say where and how a run is placed, not what it computes.</summary>
    private static readonly string[] Placement = ["out", "threads", "device", "data_root", "force", "resume", "command_line", "from"];

    /// <summary>
    /// <c>--reuse-from DIR</c>: a finished run of the same name in another comparison's folder is copied instead of
    /// trained again when its manifest records the same settings (placement aside), architecture and data checksums as
    /// the run this comparison would train — and, for FGE, when its start run was itself reused. So other FGE rates or
    /// cycles can be tried without retraining Ind and SSE, and the copy is the run that would have been trained.
    /// </summary>
    private static bool TryReuse(CompareSettings s, SubRun sub, string path, object settings, Session session, ISet<string> reused, Action<string>? log)
    {
        if (s.ReuseFrom is null || Directory.Exists(path)) return false;
        var source = Path.Combine(s.ReuseFrom, sub.Name);
        if (!File.Exists(Path.Combine(source, RunDirectory.ManifestFile))) return false;
        var other = RunDirectory.Open(source).Manifest;
        JsonObject What(JsonNode? node)
        {
            var o = node?.DeepClone() as JsonObject ?? new JsonObject();
            foreach (var key in Placement) o.Remove(key);
            return o;
        }
        bool same = other.Status == RunStatus.Complete
                    && JsonNode.DeepEquals(What(other.Settings), What(JsonNode.Parse(Json.Serialize(settings))))
                    && Equals(other.Architecture, s.Model)
                    && other.Data?.Checksums is { } sums && sums.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(session.Data.Checksums.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        if (!same)
        {
            log?.Invoke($"{source} was run with other settings; training {sub.Name} here.");
            return false;
        }
        var copying = path + ".copying";
        if (Directory.Exists(copying)) Directory.Delete(copying, recursive: true);
        Directory.CreateDirectory(copying);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(copying, Path.GetFileName(file)));
        Directory.Move(copying, path);
        reused.Add(sub.Name);
        log?.Invoke($"Reusing {source}: the same run, already finished.");
        return true;
    }

    private static string Describe(SubRun sub) => sub.Kind switch
    {
        SubRunKind.Train => $"train, standard schedule, {Epochs(sub.Epochs)}, seed {sub.Seed}",
        SubRunKind.Sse => $"sse, {sub.Snapshots} cosine cycles over {Epochs(sub.Epochs)}, seed {sub.Seed}",
        _ => $"fge from {sub.From} at epoch {sub.StartEpoch}, cycling for {Epochs(sub.Epochs)}",
    };

    private static string Epochs(int n) => n == 1 ? "1 epoch" : $"{n} epochs";

    /// <summary>The manifest (settings for --resume, the plan) and compare.json's context keys.</summary>
    private static JsonObject Describe(RunDirectory run, CompareSettings s, ComparePlan plan, Session session)
    {
        var context = new JsonObject
        {
            ["protocol"] = plan.Protocol,
            ["protocol_description"] = plan.Protocol == ComparePlan.Paper
                ? "at budget kB each method runs k times from random initialisations, B epochs each, and ensembles every network gathered (Table 1)"
                : "Ind: k independent runs of B epochs; SSE: one run of kB epochs with k·M cosine cycles; FGE: one standard run to E0, then cycles to kB",
            ["architecture"] = RunManifest.ToJson(s.Model),
            ["data"] = RunManifest.ToJson(DataSection.Of(session.Data)),
            ["subset"] = s.Subset,
            ["eval_split"] = "test",
            ["examples"] = session.Data.Eval!.Count,
            ["units"] = new JsonObject { ["error"] = "%", ["ece"] = "% (15 bins)", ["nll"] = "nats per example", ["disagreement"] = "fraction of test points" },
            ["batch_norm"] = "recomputed for every network (one pass over its training data, cumulative average) where the architecture has it",
            ["budget_epochs"] = s.Budget,
            ["ks"] = new JsonArray(s.Ks.Order().Select(k => (JsonNode)k).ToArray()),
            ["seeds"] = new JsonArray(s.Seeds.Select(x => (JsonNode)x).ToArray()),
            ["batches_per_epoch"] = plan.BatchesPerEpoch,
            ["shared"] = new JsonObject { ["momentum"] = s.Momentum, ["wd"] = s.WeightDecay, ["batch_size"] = s.BatchSize },
            ["ind"] = new JsonObject { ["schedule"] = "standard", ["lr"] = s.Lr, ["epochs"] = s.Budget },
            ["sse"] = new JsonObject { ["lr0"] = s.SseLr0, ["snapshots_per_budget"] = s.SseSnapshots },
            ["fge"] = new JsonObject
            {
                ["start_epoch"] = plan.FgeStartEpoch, ["lr1"] = s.FgeLr1, ["lr2"] = s.FgeLr2, ["cycle_epochs"] = Json.Number(plan.FgeCycleEpochs),
                ["cycle_iterations"] = plan.FgeCycleIterations, ["cycle_rounded_to_even"] = plan.FgeCycleRounded, ["traced_run"] = plan.TracedRun,
            },
            ["runs"] = new JsonArray(plan.Runs.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Name, ["command"] = r.Kind.ToString().ToLowerInvariant(), ["seed"] = r.Seed, ["epochs"] = r.Epochs, ["description"] = Describe(r),
            }).ToArray()),
            ["reuse"] = new JsonArray(plan.Notes.Select(n => (JsonNode)n).ToArray()),
        };
        var m = run.Manifest;
        m.Describe(s.CommandLine, s.Model, DataSection.Of(session.Data), settings: s.ToManifest());
        m.SetSection(ManifestKey.Plan, context.DeepClone());
        run.SaveManifest();
        return context;
    }
}
