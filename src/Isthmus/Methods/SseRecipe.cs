using Isthmus.Runs;
using Isthmus.Data;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Methods;

/// <summary>
/// <c>isthmus sse</c>, the Snapshot Ensembles baseline (Huang et al. 2017; docs/science.md §4): from a random initialisation,
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
        var run = MemberTraining.Reopen(s.Out, s.Resume, "sse", ref s, (saved, architecture) => saved with { Model = architecture ?? saved.Model });
        if (run?.Status == "complete") return MemberTraining.Finished(run);
        var momentum = Sourced.Pick(s.Momentum, null, 0.9);
        var wd = Sourced.Pick(s.WeightDecay, null, 5e-4);
        new SgdHyperparameters(s.Budget, s.BatchSize, s.Lr0, momentum.Value, wd.Value, "constant", s.Seed, 0).Validate();
        if (s.Data == "") throw new IsthmusException("sse needs --data and --model (or --resume to continue a run in --out); see `isthmus sse --help`.");

        using var opened = session is null ? Session.Open(s.Data, s.DataRoot, s.Val, s.Threads, s.Device, s.Subset, log) : null;
        session ??= opened!;
        var train = BatchSources.Training(session.Data, s.BatchSize, s.Seed);
        var schedule = new SnapshotSchedule(s.Lr0, (long)s.Budget * train.BatchesPerEpoch, s.Snapshots);

        return MemberTraining.Train(new MemberTraining.Job
        {
            Run = run ?? RunDirectory.Create(s.Out, "sse", s.Force, s.Resume),
            Session = session, Architecture = s.Model, Schedule = schedule, Train = train, Epochs = s.Budget, Seed = s.Seed,
            Momentum = momentum, WeightDecay = wd, BatchSize = new Sourced(s.BatchSize, Sourced.Cli), Method = "sse", BaseRate = s.Lr0,
            Val = s.Val, Subset = s.Subset,
            Start = new JsonObject { ["init"] = "random", ["seed"] = s.Seed },
            ScheduleSettings = new JsonObject { ["lr0"] = s.Lr0, ["snapshots"] = s.Snapshots, ["budget_epochs"] = s.Budget },
            Settings = JsonNode.Parse(Json.Serialize(s with { CommandLine = [] }))!,
            CommandLine = s.CommandLine,
        }, clock, progress, log, ct);
    }
}
