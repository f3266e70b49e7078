using System.Text.Json;
using System.Text.Json.Nodes;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Experiments;

/// <summary>
/// <c>isthmus sse</c>, the Snapshot Ensembles baseline (Huang et al. 2017; SCIENCE §4): from a random initialisation,
/// M cosine cycles over the whole budget (<see cref="SnapshotSchedule"/>), a snapshot <c>member-&lt;k&gt;.safetensors</c>
/// at the end of each cycle, each evaluated once after training (<see cref="MemberTraining"/>); distances are from
/// the initialisation.
/// </summary>
public static class SseRecipe
{
    public static MemberRunOutcome Run(SseSettings s, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default) =>
        Run(s, session: null, progress, log, ct);

    /// <summary>Trains on the data of an open <paramref name="session"/> (owned by the caller) instead of opening <see cref="SseSettings.Data"/>.</summary>
    public static MemberRunOutcome Run(SseSettings s, Session? session, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RunDirectory? run = null;
        if (s.Resume && Directory.Exists(s.Out) && Directory.EnumerateFileSystemEntries(s.Out).Any())
        {
            run = RunDirectory.Create(s.Out, "sse", force: false, resume: true);
            s = SettingsFrom(run, s);
            if (run.Status == "complete") return MemberTraining.Finished(run);
        }
        var momentum = Sourced.Pick(s.Momentum, null, 0.9);
        var wd = Sourced.Pick(s.WeightDecay, null, 5e-4);
        new SgdHyperparameters(s.Budget, s.BatchSize, s.Lr0, momentum.Value, wd.Value, "constant", s.Seed, 0).Validate();
        if (s.Data == "") throw new IsthmusException("sse needs --data and --model (or --resume to continue a run in --out); see `isthmus sse --help`.");

        using var opened = session is null ? Session.Open(s.Data, s.DataRoot, s.Val, s.Threads, s.Device, s.Subset, log) : null;
        session ??= opened!;
        var train = BatchSources.Training(session.Data, s.BatchSize, s.Seed);
        long iterations = (long)s.Budget * train.BatchesPerEpoch;
        var schedule = new SnapshotSchedule(s.Lr0, iterations, s.Snapshots);

        run ??= RunDirectory.Create(s.Out, "sse", s.Force, s.Resume);
        using var net = session.Build(s.Model, controlPoints: 1, s.Seed);
        using var space = net.Space;
        var w0 = MemberTraining.Snapshot(net);
        try
        {
            using var optimizer = new Sgd(space.TrainableTensors(), momentum.Value, wd.Value);
            var history = new List<EpochReport>();
            int startEpoch = 0;
            if (run.Resumed && ResumeState.TryLoad(run, net, optimizer, out startEpoch, history))
                log?.Invoke($"Resuming {s.Out} after epoch {startEpoch} of {s.Budget}.");

            var m = run.Manifest;
            m["arguments"] = TrainingRecord.Arguments(s.CommandLine);
            m["architecture"] = Manifests.Architecture(net.Spec);
            m["data"] = Manifests.Data(session.Data);
            m["space"] = new JsonObject { ["kind"] = "members", ["parameters"] = net.Layout.TotalElements, ["member_files"] = "member-<k>.safetensors" };
            m["start"] = new JsonObject { ["init"] = "random", ["seed"] = s.Seed };
            m["schedule"] = new JsonObject
            {
                ["name"] = schedule.Name,
                ["lr0"] = s.Lr0,
                ["snapshots"] = s.Snapshots,
                ["budget_epochs"] = s.Budget,
                ["cycle_iterations"] = schedule.CycleIterations,
                ["cycle_epochs"] = Json.Number((double)schedule.CycleIterations / train.BatchesPerEpoch),
                ["batches_per_epoch"] = train.BatchesPerEpoch,
                ["iterations"] = iterations,
                ["collection_iterations"] = new JsonArray(schedule.Collections(iterations).Select(i => (JsonNode)JsonValue.Create(i)).ToArray()),
            };
            m["optimizer"] = new JsonObject { ["momentum"] = momentum.ToJson(), ["wd"] = wd.ToJson(), ["batch_size"] = new Sourced(s.BatchSize, Sourced.Cli).ToJson() };
            m["hyperparameters"] = new SgdHyperparameters(s.Budget, s.BatchSize, s.Lr0, momentum.Value, wd.Value, schedule.Name, s.Seed, 0).ToManifest(s.Val, s.Subset);
            m["platform"] = TrainingRecord.Platform(session);
            m["settings"] = JsonNode.Parse(Json.Serialize(s with { CommandLine = [] }));
            run.SaveManifest();

            return MemberTraining.RunToCompletion(new MemberTraining.Job
            {
                Run = run, Session = session, Network = net, Optimizer = optimizer, Schedule = schedule, Train = train,
                Epochs = s.Budget, Seed = s.Seed, WeightDecay = wd.Value, Start = w0, Method = "sse",
                StartEpoch = startEpoch, History = history,
            }, clock, progress, log, ct);
        }
        finally
        {
            foreach (var t in w0) t.Dispose();
        }
    }

    private static SseSettings SettingsFrom(RunDirectory run, SseSettings given)
    {
        var saved = (run.Manifest["settings"] as JsonObject)?.Deserialize<SseSettings>(Json.Options)
                    ?? throw new IsthmusException($"{run.Path}/manifest.json records no settings to resume from; start the run again with --force.");
        return saved with
        {
            Model = Manifests.ReadArchitecture(run.Manifest["architecture"], run.Path),
            Out = given.Out,
            Threads = given.Threads,
            Device = given.Device,
            DataRoot = given.DataRoot,
            CommandLine = given.CommandLine,
            Force = false,
            Resume = true,
        };
    }
}
