using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Storage;
using Isthmus.Training;
using static TorchSharp.torch;

namespace Isthmus.Experiments;

/// <summary>
/// One collected ensemble member as the manifest's <c>members</c> list records it. The metrics and the distance are
/// filled in once, after training (null until then).
/// </summary>
/// <param name="Index">k in <c>member-&lt;k&gt;.safetensors</c>, 1-based in collection order.</param>
/// <param name="File">Its file name inside the run folder.</param>
/// <param name="Iteration">1-based iteration of the run after whose step the weights were kept.</param>
/// <param name="Epoch">Iteration / minibatches per epoch: where in the run the member sits, in epochs.</param>
/// <param name="TestError">Test error (%) with batch norm recomputed for it.</param>
/// <param name="TestNll">Test NLL, likewise.</param>
/// <param name="DistanceFromStart">‖w − w_start‖ over all parameters (FGE: ŵ; SSE: the initialisation).</param>
public sealed record Member(int Index, string File, long Iteration, double Epoch, double? TestError = null, double? TestNll = null, double? DistanceFromStart = null)
{
    public JsonObject ToJson() => new()
    {
        ["k"] = Index,
        ["file"] = File,
        ["iteration"] = Iteration,
        ["epoch"] = Json.Number(Epoch),
        ["test_error"] = TestError is { } e ? Json.Number(e) : null,
        ["test_nll"] = TestNll is { } n ? Json.Number(n) : null,
        ["distance_from_start"] = DistanceFromStart is { } d ? Json.Number(d) : null,
    };

    public static Member FromJson(JsonNode node) => new(
        node["k"]!.GetValue<int>(), node["file"]!.GetValue<string>(), node["iteration"]!.GetValue<long>(), node["epoch"]!.GetValue<double>(),
        node["test_error"]?.GetValue<double>(), node["test_nll"]?.GetValue<double>(), node["distance_from_start"]?.GetValue<double>());
}

/// <summary>The result of an <c>fge</c> or <c>sse</c> run: its members, the start point's metrics, every epoch.</summary>
public sealed record MemberRunOutcome(string RunPath, IReadOnlyList<Member> Members, Metrics? Start, IReadOnlyList<EpochReport> Epochs, double Seconds, bool AlreadyComplete);

/// <summary>
/// The body <c>fge</c> and <c>sse</c> share: train with a collecting schedule through the one <see cref="Trainer"/>,
/// save <c>member-&lt;k&gt;.safetensors</c> (a plain network checkpoint) after each collecting iteration, and once
/// training is over evaluate every member exactly once (batch norm recomputed for it) and write
/// <c>trajectory.csv</c> — per iteration the learning rate, and at the start point and each member the test error,
/// test NLL and distance from the start (Figure 3, left). Nothing in the loop waits on an evaluation.
/// </summary>
public static class MemberTraining
{
    public const string TrajectoryFile = "trajectory.csv";
    public const string MembersKey = "members";

    private static readonly Regex MemberName = new(@"^member-([1-9][0-9]*)\.safetensors$", RegexOptions.CultureInvariant);

    public static string MemberFile(int k) => $"member-{k.ToString(CultureInfo.InvariantCulture)}.safetensors";

    /// <summary>k of a file named <c>member-&lt;k&gt;.safetensors</c>; null for any other name.</summary>
    public static int? MemberIndex(string fileName) =>
        MemberName.Match(fileName) is { Success: true } m && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : null;

    /// <summary>What one collecting run needs; the recipe builds the network, its start point and the optimiser.</summary>
    public sealed record Job
    {
        public required RunDirectory Run { get; init; }
        public required Session Session { get; init; }
        public required Network Network { get; init; }
        public required Sgd Optimizer { get; init; }
        public required ICollectingSchedule Schedule { get; init; }
        public required IBatchSource Train { get; init; }
        public required int Epochs { get; init; }
        public required long Seed { get; init; }
        public required double WeightDecay { get; init; }
        /// <summary>The start weights (FGE: ŵ; SSE: the initialisation), one tensor per parameter; owned by the caller.</summary>
        public required IReadOnlyList<Tensor> Start { get; init; }
        /// <summary>Written into each member file's metadata as <c>isthmus.method</c>.</summary>
        public required string Method { get; init; }
        public int StartEpoch { get; init; }
        public List<EpochReport> History { get; init; } = [];
    }

    /// <summary>
    /// <see cref="Run"/>, then what every member-collecting command does once training is over: record the start
    /// point's metrics and the timing in the manifest, mark the run complete and drop its resume state.
    /// </summary>
    public static MemberRunOutcome RunToCompletion(Job job, System.Diagnostics.Stopwatch clock, IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken ct)
    {
        var members = Run(job, out var startMetrics, progress, log, ct);
        var m = job.Run.Manifest;
        m["start"]!["test_error"] = Json.Number(startMetrics.Error);
        m["start"]!["test_nll"] = Json.Number(startMetrics.Nll);
        m["timing"] = TrainingRecord.Timing(job.History);
        job.Run.Complete();
        ResumeState.Delete(job.Run);
        return new MemberRunOutcome(job.Run.Path, members, startMetrics, job.History, clock.Elapsed.TotalSeconds, AlreadyComplete: false);
    }

    public static IReadOnlyList<Member> Run(Job job, out Metrics startMetrics, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        var run = job.Run;
        var net = job.Network;
        int batches = job.Train.BatchesPerEpoch;
        // Members after the last finished epoch are collected again on resume (an exact resume writes the same files).
        long done = (long)job.StartEpoch * batches;
        var members = Read(run).Where(m => m.Iteration <= done).ToList();
        Record(run, members);

        var afterEpoch = TrainingRecord.AfterEpoch(run, net, job.Optimizer, job.History, saveEvery: 0, (_, _) => { });
        var trainer = new TrainingJob
        {
            Network = net,
            Train = job.Train,
            Eval = BatchSources.Evaluation(job.Session.Data),
            Schedule = job.Schedule,
            Optimizer = job.Optimizer,
            WeightDecay = job.WeightDecay,
            Epochs = job.Epochs,
            Seed = job.Seed,
            StartEpoch = job.StartEpoch,
            // The manifest lists the epoch's members before the resume state says the epoch is done (one write per epoch, not per member).
            EpochFinished = report => { Record(run, members); afterEpoch(report); },
            AfterStep = clock =>
            {
                long i = clock.Iteration + 1;
                if (!job.Schedule.Collects(i)) return;
                var member = new Member(members.Count + 1, MemberFile(members.Count + 1), i, (double)i / batches);
                Checkpoint.Save(run.File(member.File), net, metadata: new Dictionary<string, string>
                {
                    ["isthmus.method"] = job.Method,
                    ["isthmus.member"] = member.Index.ToString(CultureInfo.InvariantCulture),
                    ["isthmus.iteration"] = i.ToString(CultureInfo.InvariantCulture),
                });
                members.Add(member);
            },
        };
        Trainer.Run(trainer, progress, ct);

        log?.Invoke($"Evaluating the start point and {members.Count} member{(members.Count == 1 ? "" : "s")}, each once{(net.HasBatchNorm ? " with batch norm recomputed" : "")}...");
        var trainForEvaluation = BatchSources.TrainingForEvaluation(job.Session.Data);
        var eval = BatchSources.Evaluation(job.Session.Data);
        Metrics Score()
        {
            BatchNormCalibration.Recompute(net, trainForEvaluation, ct: ct);
            var m = Evaluator.Evaluate(net, eval, ct);
            Platform.NativeMemory.Trim();
            return m;
        }
        for (int p = 0; p < net.Layout.Count; p++) net.Space.SetControl(0, p, job.Start[p]);
        startMetrics = Score();
        for (int j = 0; j < members.Count; j++)
        {
            if (members[j].TestError is not null) continue; // evaluated before an interruption
            Checkpoint.Load(run.File(members[j].File), net);
            var m = Score();
            members[j] = members[j] with { TestError = m.Error, TestNll = m.Nll, DistanceFromStart = DistanceFromStart(net, job.Start) };
            Record(run, members);
        }
        WriteTrajectory(run.File(TrajectoryFile), job.Schedule, (long)job.Epochs * batches, batches, startMetrics, members);
        run.Manifest["trajectory_columns"] = "iteration (1-based; 0 = the start point), epoch (iteration / minibatches per epoch), lr (the rate of that " +
                                             "iteration's step), member (k at collections, 0 at the start point), test_error (%), test_nll and distance_from_start " +
                                             "(‖w − w_start‖ over all parameters), filled at the start point and at collections only";
        return members;
    }

    /// <summary>The outcome of a finished fge or sse run, read back from its manifest (nothing is run again).</summary>
    public static MemberRunOutcome Finished(RunDirectory run)
    {
        var start = run.Manifest["start"];
        Metrics? metrics = start?["test_error"] is { } e ? new Metrics(start["test_nll"]?.GetValue<double>() ?? double.NaN, e.GetValue<double>(), 0) : null;
        return new MemberRunOutcome(run.Path, MemberTraining.Read(run), metrics, [], 0, AlreadyComplete: true);
    }

    /// <summary>The members recorded in <paramref name="run"/>'s manifest.</summary>
    public static List<Member> Read(RunDirectory run) =>
        (run.Manifest[MembersKey] as JsonArray)?.Select(n => Member.FromJson(n!)).ToList() ?? [];

    private static void Record(RunDirectory run, IReadOnlyList<Member> members)
    {
        run.Manifest[MembersKey] = new JsonArray(members.Select(m => (JsonNode)m.ToJson()).ToArray());
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

    private static void WriteTrajectory(string path, ICollectingSchedule schedule, long iterations, int batches, Metrics start, IReadOnlyList<Member> members)
    {
        var byIteration = members.ToDictionary(m => m.Iteration);
        var csv = new StringBuilder("iteration,epoch,lr,member,test_error,test_nll,distance_from_start\n");
        string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        csv.Append(CultureInfo.InvariantCulture, $"0,0,,0,{F(start.Error)},{F(start.Nll)},0\n");
        for (long i = 1; i <= iterations; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},{F((double)i / batches)},{F(schedule.Rate(i))}");
            csv.Append(byIteration.TryGetValue(i, out var m)
                ? string.Create(CultureInfo.InvariantCulture, $",{m.Index},{F(m.TestError)},{F(m.TestNll)},{F(m.DistanceFromStart)}\n")
                : ",,,,\n");
        }
        AtomicFile.WriteAllText(path, csv.ToString());
    }
}
