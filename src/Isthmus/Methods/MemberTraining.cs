using System.Diagnostics;
using System.Text.RegularExpressions;
using Isthmus.Data;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Methods;

/// <summary>
/// The body <c>fge</c> and <c>sse</c> share: open a run for <c>--resume</c> (<see cref="Reopen{T}"/>), write the
/// manifest, train with a collecting schedule through the one <see cref="Trainer"/>, save
/// <c>member-&lt;k&gt;.safetensors</c> (a plain network checkpoint) after each collecting iteration, and once
/// training is over score every member exactly once (batch norm recomputed for it; <see cref="MemberScoring"/>).
/// Nothing in the loop waits on an evaluation. The recipes only say where the start point comes from and which
/// schedule runs.
/// </summary>
public static class MemberTraining
{
    public const string TrajectoryFile = "trajectory.csv";
    /// <summary>Folder of the weights kept for trajectory points until they are scored (then deleted).</summary>
    public const string PointsFolder = "trajectory-points";

    private static readonly Regex MemberName = new(@"^member-([1-9][0-9]*)\.safetensors$", RegexOptions.CultureInvariant);

    public static string MemberFile(int k) => $"member-{k.ToString(CultureInfo.InvariantCulture)}.safetensors";

    /// <summary>k of a file named <c>member-&lt;k&gt;.safetensors</c>; null for any other name.</summary>
    public static int? MemberIndex(string fileName) =>
        MemberName.Match(fileName) is { Success: true } m && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : null;

    internal static string PointFile(long iteration) =>
        Path.Combine(PointsFolder, $"point-{iteration.ToString(CultureInfo.InvariantCulture)}.safetensors");

    /// <summary>What one collecting run needs beyond what every such run does; the recipe fills it in.</summary>
    public sealed record Job
    {
        public required RunDirectory Run { get; init; }
        public required Session Session { get; init; }
        public required ArchitectureSpec Architecture { get; init; }
        /// <summary>Writes the start point into the freshly built network; null keeps the initialisation of <see cref="Seed"/> (SSE).</summary>
        public Action<Network>? LoadStart { get; init; }
        public required ICollectingSchedule Schedule { get; init; }
        public required IBatchSource Train { get; init; }
        public required int Epochs { get; init; }
        public required long Seed { get; init; }
        public required Sourced Momentum { get; init; }
        public required Sourced WeightDecay { get; init; }
        public required Sourced BatchSize { get; init; }
        /// <summary>The command (fge, sse), also written into each member file's metadata as <c>isthmus.method</c>.</summary>
        public required string Method { get; init; }
        /// <summary>The rate the manifest's <c>hyperparameters.lr</c> records (α1 for FGE, α0 for SSE).</summary>
        public required double BaseRate { get; init; }
        public int Val { get; init; }
        public int Subset { get; init; }
        /// <summary>The manifest's <c>start</c> section: where w_start comes from.</summary>
        public required JsonObject Start { get; init; }
        /// <summary>The schedule's own settings, written into the manifest's <c>schedule</c> beside the keys every collecting schedule has.</summary>
        public required JsonObject ScheduleSettings { get; init; }
        /// <summary>The command's settings record as JSON, read back by <see cref="Reopen{T}"/>.</summary>
        public required JsonNode Settings { get; init; }
        public IReadOnlyList<string> CommandLine { get; init; } = [];
        /// <summary>Also keep the weights every this many iterations as trajectory points (0 = members only).</summary>
        public long TrajectoryEvery { get; init; }
    }

    /// <summary>
    /// <c>--resume</c> of a member-collecting command: when <paramref name="outPath"/> holds a run of
    /// <paramref name="command"/>, open it and continue with the settings its manifest recorded
    /// (<see cref="ResumeState.ContinuedSettings{T}"/>), the architecture taken from its manifest by
    /// <paramref name="withArchitecture"/>. Null when there is nothing to resume.
    /// </summary>
    public static RunDirectory? Reopen<T>(string outPath, bool resume, string command, ref T settings, Func<T, ArchitectureSpec?, T> withArchitecture) where T : class
    {
        if (!resume || !Directory.Exists(outPath) || !Directory.EnumerateFileSystemEntries(outPath).Any()) return null;
        var run = RunDirectory.Create(outPath, command, force: false, resume: true);
        settings = withArchitecture(ResumeState.ContinuedSettings(run, settings), run.Manifest.Architecture);
        return run;
    }

    /// <summary>
    /// Builds the network at its start point, trains it with the collecting schedule (continuing a resumed run),
    /// scores the start point and every member once, writes <c>trajectory.csv</c>, and marks the run complete.
    /// </summary>
    public static MemberRunOutcome Train(Job job, Stopwatch clock, IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken ct)
    {
        var run = job.Run;
        using var net = job.Session.Build(job.Architecture, controlPoints: 1, job.Seed);
        using var space = net.Space;
        job.LoadStart?.Invoke(net);
        var start = Snapshot(net);
        try
        {
            using var optimizer = new Sgd(space.TrainableTensors(), job.Momentum.Value, job.WeightDecay.Value);
            var history = new List<EpochReport>();
            int startEpoch = 0;
            if (run.Resumed && ResumeState.TryLoad(run, net, optimizer, out startEpoch, history))
                log?.Invoke($"Resuming {run.Path} after epoch {startEpoch} of {job.Epochs}.");
            Describe(job, net);

            var members = TrainCollecting(job, net, optimizer, startEpoch, history, progress, ct);
            var startMetrics = MemberScoring.ScoreAll(job, net, start, members, log, ct);
            var m = run.Manifest;
            m.Section(ManifestKey.Start)!["test_error"] = Json.Number(startMetrics.Error);
            m.Section(ManifestKey.Start)!["test_nll"] = Json.Number(startMetrics.Nll);
            m.SetSection(ManifestKey.Timing, TrainingRecord.Timing(history));
            run.Complete();
            ResumeState.Delete(run);
            return new MemberRunOutcome(run.Path, members, startMetrics, history, clock.Elapsed.TotalSeconds, AlreadyComplete: false);
        }
        finally
        {
            foreach (var t in start) t.Dispose();
        }
    }

    private static List<Member> TrainCollecting(Job job, Network net, Sgd optimizer, int startEpoch, List<EpochReport> history,
        IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var run = job.Run;
        // Members and points after the last finished epoch are collected again on resume (an exact resume writes the same files).
        long done = (long)startEpoch * job.Train.BatchesPerEpoch;
        var members = Read(run).Where(m => m.Iteration <= done).ToList();
        Record(run, members);
        if (job.TrajectoryEvery > 0) Directory.CreateDirectory(run.File(PointsFolder));

        var afterEpoch = TrainingRecord.AfterEpoch(run, net, optimizer, history, saveEvery: 0, (_, _) => { });
        // Members and trajectory points are copied out in the step and written by a background thread; each epoch's
        // files are on disk before the manifest lists them and the resume state counts the epoch as done.
        using var writer = new BackgroundWriter();
        var collect = Collector(run, net, job.Schedule, job.Method, members, writer);
        Trainer.Run(new TrainingJob
        {
            Network = net,
            Train = job.Train,
            Eval = BatchSources.Evaluation(job.Session.Data),
            Schedule = job.Schedule,
            Optimizer = optimizer,
            WeightDecay = job.WeightDecay.Value,
            Epochs = job.Epochs,
            Seed = job.Seed,
            StartEpoch = startEpoch,
            // The manifest lists the epoch's members before the resume state says the epoch is done (one write per epoch, not per member).
            EpochFinished = report => { writer.Flush(); Record(run, members); afterEpoch(report); },
            AfterStep = stepClock =>
            {
                collect(stepClock);
                long i = stepClock.Iteration + 1;
                if (job.TrajectoryEvery > 0 && i % job.TrajectoryEvery == 0 && !job.Schedule.Collects(i))
                {
                    var point = Checkpoint.Snapshot(net);
                    var file = run.File(PointFile(i));
                    writer.Enqueue(() => point.Write(file));
                }
            },
        }, progress, ct);
        writer.Flush();
        return members;
    }

    /// <summary>
    /// What Algorithm 1 adds to a plain SGD step, as the trainer's after-step hook: when the schedule collects at this
    /// iteration, copy the weights out as the next <c>member-&lt;k&gt;.safetensors</c>, hand the file to
    /// <paramref name="writer"/> and append the member to <paramref name="members"/>. A modulo per step and one copy of
    /// the weights per cycle; the disk write overlaps the following steps (the benchmark times exactly this).
    /// </summary>
    public static Action<TrainingClock> Collector(RunDirectory run, Network net, ICollectingSchedule schedule, string method, List<Member> members,
        BackgroundWriter writer) => clock =>
    {
        long i = clock.Iteration + 1;
        if (!schedule.Collects(i)) return;
        var member = new Member(members.Count + 1, MemberFile(members.Count + 1), i, (double)i / clock.BatchesPerEpoch);
        var snapshot = Checkpoint.Snapshot(net, metadata: new Dictionary<string, string>
        {
            ["isthmus.method"] = method,
            ["isthmus.member"] = member.Index.ToString(CultureInfo.InvariantCulture),
            ["isthmus.iteration"] = i.ToString(CultureInfo.InvariantCulture),
        });
        var file = run.File(member.File);
        writer.Enqueue(() => snapshot.Write(file));
        members.Add(member);
    };

    private static void Describe(Job job, Network net)
    {
        int batches = job.Train.BatchesPerEpoch;
        long iterations = (long)job.Epochs * batches;
        var schedule = new JsonObject { ["name"] = job.Schedule.Name };
        foreach (var (key, value) in job.ScheduleSettings) schedule[key] = value?.DeepClone();
        schedule["cycle_iterations"] = job.Schedule.CycleIterations;
        schedule["cycle_epochs"] = Json.Number((double)job.Schedule.CycleIterations / batches);
        schedule["batches_per_epoch"] = batches;
        schedule["iterations"] = iterations;
        schedule["collection_iterations"] = new JsonArray(job.Schedule.Collections(iterations).Select(i => (JsonNode)JsonValue.Create(i)).ToArray());
        if (job.TrajectoryEvery > 0) schedule["trajectory_every"] = job.TrajectoryEvery;

        var m = job.Run.Manifest;
        job.Session.Describe(m, job.CommandLine, net.Spec);
        m.Space = new SpaceSection { Kind = "members", Parameters = net.Layout.TotalElements, MemberFiles = "member-<k>.safetensors" };
        m.SetSection(ManifestKey.Start, job.Start.DeepClone());
        m.SetSection(ManifestKey.Schedule, schedule);
        m.SetSection(ManifestKey.Optimizer, new JsonObject { ["momentum"] = job.Momentum.ToJson(), ["wd"] = job.WeightDecay.ToJson(), ["batch_size"] = job.BatchSize.ToJson() });
        m.Hyperparameters = new SgdHyperparameters(job.Epochs, (int)job.BatchSize.Value, job.BaseRate, job.Momentum.Value, job.WeightDecay.Value,
            job.Schedule.Name, job.Seed, 0).ToManifest(job.Val, job.Subset);
        m.Settings = (JsonObject)job.Settings.DeepClone();
        job.Run.SaveManifest();
    }

    /// <summary>The outcome of a finished fge or sse run, read back from its manifest (nothing is run again).</summary>
    public static MemberRunOutcome Finished(RunDirectory run)
    {
        var start = run.Manifest.Section(ManifestKey.Start);
        Evaluation.Metrics? metrics = start?["test_error"] is { } e ? new Evaluation.Metrics(start["test_nll"]?.GetValue<double>() ?? double.NaN, e.GetValue<double>(), 0) : null;
        return new MemberRunOutcome(run.Path, Read(run), metrics, [], 0, AlreadyComplete: true);
    }

    /// <summary>The members recorded in <paramref name="run"/>'s manifest.</summary>
    public static List<Member> Read(RunDirectory run) =>
        (run.Manifest.Section(ManifestKey.Members) as JsonArray)?.Select(n => Member.FromJson(n!)).ToList() ?? [];

    /// <summary>The trajectory points scored so far in <paramref name="run"/>'s manifest.</summary>
    public static List<TrajectoryPoint> ReadPoints(RunDirectory run) =>
        (run.Manifest.Section(ManifestKey.TrajectoryPoints) as JsonArray)?.Select(n => TrajectoryPoint.FromJson(n!)).ToList() ?? [];

    internal static void Record(RunDirectory run, IReadOnlyList<Member> members, IReadOnlyList<TrajectoryPoint>? points = null)
    {
        run.Manifest.SetSection(ManifestKey.Members, new JsonArray(members.Select(m => (JsonNode)m.ToJson()).ToArray()));
        if (points is not null) run.Manifest.SetSection(ManifestKey.TrajectoryPoints, new JsonArray(points.Select(p => (JsonNode)p.ToJson()).ToArray()));
        run.SaveManifest();
    }

    /// <summary>‖w − <paramref name="start"/>‖ for the network's control point 0, in double precision.</summary>
    public static double DistanceFromStart(Network net, IReadOnlyList<Tensor> start)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var sum = zeros(Array.Empty<long>(), ScalarType.Float64, net.Space.Device);
        for (int p = 0; p < net.Layout.Count; p++)
            sum.add_(net.Space.Control(0, p).to_type(ScalarType.Float64).sub(start[p].to_type(ScalarType.Float64)).square().sum());
        return Math.Sqrt(sum.item<double>());
    }

    /// <summary>Copies of the network's current control point 0, one per parameter (the caller disposes them).</summary>
    public static Tensor[] Snapshot(Network net)
    {
        using var _ = no_grad();
        return Enumerable.Range(0, net.Layout.Count).Select(p => net.Space.Control(0, p).detach().clone().DetachFromDisposeScope()).ToArray();
    }
}
