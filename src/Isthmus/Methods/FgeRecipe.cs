using Isthmus.Runs;
using Isthmus.Data;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Methods;

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
        var run = MemberTraining.Reopen(s.Out, s.Resume, "fge", ref s, (saved, architecture) => saved with { Model = saved.Data is null ? null : architecture });
        if (run?.Status == "complete") return MemberTraining.Finished(run);
        if (s.Epochs < 1) throw new IsthmusException($"--epochs must be at least 1 (got {s.Epochs}).");
        if (s.TrajectoryPoints < 0) throw new IsthmusException($"--trajectory-points must not be negative (got {s.TrajectoryPoints}).");
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
        if (!schedule.Collections(iterations).Any())
            throw new IsthmusException($"--epochs {s.Epochs} is {iterations} iterations, fewer than half a cycle ({c / 2} of {c}), so FGE would collect no member; raise --epochs or shorten --cycle.");
        if (adjusted)
            log?.Invoke($"--cycle {s.Cycle} epochs is {s.Cycle * train.BatchesPerEpoch:0.##} iterations; using c = {c} (Algorithm 1 needs an even cycle).");

        return MemberTraining.Train(new MemberTraining.Job
        {
            Run = run ?? RunDirectory.Create(s.Out, "fge", s.Force, s.Resume),
            Session = session, Architecture = start.Architecture, LoadStart = net => Checkpoint.Load(start.File, net),
            Schedule = schedule, Train = train, Epochs = s.Epochs, Seed = s.Seed,
            Momentum = momentum, WeightDecay = wd, BatchSize = batchSize, Method = "fge", BaseRate = s.Lr1, Val = start.Val, Subset = start.Subset,
            Start = start.ToJson(),
            ScheduleSettings = new JsonObject
            {
                ["lr1"] = s.Lr1,
                ["lr2"] = s.Lr2,
                ["cycle_epochs_requested"] = s.Cycle,
                ["cycle_rounded_to_even"] = adjusted,
            },
            Settings = JsonNode.Parse(Json.Serialize(s with { CommandLine = [] }))!,
            CommandLine = s.CommandLine,
            TrajectoryEvery = s.TrajectoryPoints == 0 ? 0 : Math.Max(1, c / s.TrajectoryPoints),
        }, clock, progress, log, ct);
    }
}
