using System.Text.Json;
using System.Text.Json.Nodes;
using Isthmus.Evaluation;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Experiments;

/// <summary>
/// <c>isthmus fge</c>, Algorithm 1 of Garipov et al. (2018): w ← ŵ; for i = 1 … n: α ← α(i) (the cyclic rate of
/// <see cref="FgeSchedule"/>); an SGD step; if mod(i, c) = c/2, collect w. Members go to
/// <c>member-&lt;k&gt;.safetensors</c>; each is evaluated once after training (<see cref="MemberTraining"/>).
/// The optimiser's momentum buffers start empty: a train checkpoint keeps weights only (the reference code restored
/// its optimiser state; after half a cycle at the lowest rate the difference is gone).
/// </summary>
public static class FgeRecipe
{
    public static MemberRunOutcome Run(FgeSettings s, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default) =>
        Run(s, session: null, progress, log, ct);

    /// <summary>Runs FGE on the data of an open <paramref name="session"/> (owned by the caller), which must be the start point's data set.</summary>
    public static MemberRunOutcome Run(FgeSettings s, Session? session, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RunDirectory? run = null;
        if (s.Resume && Directory.Exists(s.Out) && Directory.EnumerateFileSystemEntries(s.Out).Any())
        {
            run = RunDirectory.Create(s.Out, "fge", force: false, resume: true);
            s = SettingsFrom(run, s);
            if (run.Status == "complete") return MemberTraining.Finished(run);
        }
        if (s.Epochs < 1) throw new IsthmusException($"--epochs must be at least 1 (got {s.Epochs}).");
        _ = new FgeSchedule(s.Lr1, s.Lr2, 2); // checks the rates before anything is loaded
        var start = FgeStart.Resolve(s);
        var momentum = Sourced.Pick(s.Momentum, start.Momentum, 0.9);
        var wd = Sourced.Pick(s.WeightDecay, start.WeightDecay, 5e-4);
        var batchSize = Sourced.Pick(s.BatchSize, start.BatchSize, 128);
        new SgdHyperparameters(s.Epochs, (int)batchSize.Value, s.Lr1, momentum.Value, wd.Value, "constant", s.Seed, 0).Validate();

        using var opened = session is null ? Session.Open(start.Data, s.DataRoot, start.Val, s.Threads, s.Device, start.Subset, log) : null;
        session ??= opened!;
        if (session.Data.Name != start.Data)
            throw new IsthmusException($"{start.File} was trained on {start.Data}, not on {session.Data.Name}.");
        var train = BatchSources.Training(session.Data, (int)batchSize.Value, s.Seed);
        long c = FgeSchedule.CycleIterationsFor(s.Cycle, train.BatchesPerEpoch, out bool adjusted);
        var schedule = new FgeSchedule(s.Lr1, s.Lr2, c);
        long iterations = (long)s.Epochs * train.BatchesPerEpoch;
        var collections = schedule.Collections(iterations).ToList();
        if (collections.Count == 0)
            throw new IsthmusException($"--epochs {s.Epochs} is {iterations} iterations, fewer than half a cycle ({c / 2} of {c}), so FGE would collect no member; raise --epochs or shorten --cycle.");
        if (adjusted)
            log?.Invoke($"--cycle {s.Cycle} epochs is {s.Cycle * train.BatchesPerEpoch:0.##} iterations; using c = {c} (Algorithm 1 needs an even cycle).");

        run ??= RunDirectory.Create(s.Out, "fge", s.Force, s.Resume);
        using var net = session.Build(start.Architecture, controlPoints: 1, s.Seed);
        using var space = net.Space;
        Checkpoint.Load(start.File, net);
        var w0 = MemberTraining.Snapshot(net);
        try
        {
            using var optimizer = new Sgd(space.TrainableTensors(), momentum.Value, wd.Value);
            var history = new List<EpochReport>();
            int startEpoch = 0;
            if (run.Resumed && ResumeState.TryLoad(run, net, optimizer, out startEpoch, history))
                log?.Invoke($"Resuming {s.Out} after epoch {startEpoch} of {s.Epochs}.");

            var m = run.Manifest;
            m["arguments"] = TrainingRecord.Arguments(s.CommandLine);
            m["architecture"] = Manifests.Architecture(net.Spec);
            m["data"] = Manifests.Data(session.Data);
            m["space"] = new JsonObject { ["kind"] = "members", ["parameters"] = net.Layout.TotalElements, ["member_files"] = "member-<k>.safetensors" };
            m["start"] = start.ToJson();
            m["schedule"] = new JsonObject
            {
                ["name"] = schedule.Name,
                ["lr1"] = s.Lr1,
                ["lr2"] = s.Lr2,
                ["cycle_epochs_requested"] = s.Cycle,
                ["cycle_iterations"] = c,
                ["cycle_epochs"] = Json.Number((double)c / train.BatchesPerEpoch),
                ["cycle_rounded_to_even"] = adjusted,
                ["batches_per_epoch"] = train.BatchesPerEpoch,
                ["iterations"] = iterations,
                ["collection_iterations"] = new JsonArray(collections.Select(i => (JsonNode)JsonValue.Create(i)).ToArray()),
            };
            m["optimizer"] = new JsonObject { ["momentum"] = momentum.ToJson(), ["wd"] = wd.ToJson(), ["batch_size"] = batchSize.ToJson() };
            m["hyperparameters"] = new SgdHyperparameters(s.Epochs, (int)batchSize.Value, s.Lr1, momentum.Value, wd.Value, schedule.Name, s.Seed, 0).ToManifest(start.Val, start.Subset);
            m["platform"] = TrainingRecord.Platform(session);
            m["settings"] = JsonNode.Parse(Json.Serialize(s with { CommandLine = [] }));
            run.SaveManifest();

            return MemberTraining.RunToCompletion(new MemberTraining.Job
            {
                Run = run, Session = session, Network = net, Optimizer = optimizer, Schedule = schedule, Train = train,
                Epochs = s.Epochs, Seed = s.Seed, WeightDecay = wd.Value, Start = w0, Method = "fge",
                StartEpoch = startEpoch, History = history,
            }, clock, progress, log, ct);
        }
        finally
        {
            foreach (var t in w0) t.Dispose();
        }
    }

    /// <summary>The settings a resumed run continues with: its manifest's, with this invocation's output, thread, device and data-root choices.</summary>
    private static FgeSettings SettingsFrom(RunDirectory run, FgeSettings given)
    {
        var saved = (run.Manifest["settings"] as JsonObject)?.Deserialize<FgeSettings>(Json.Options)
                    ?? throw new IsthmusException($"{run.Path}/manifest.json records no settings to resume from; start the run again with --force.");
        return saved with
        {
            Model = saved.Data is null ? null : Manifests.ReadArchitecture(run.Manifest["architecture"], run.Path),
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
