using System.Text;
using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// What a member-collecting run does once training is over: score the start point, every member and every
/// trajectory point exactly once (batch norm recomputed for each), keep each member's test log-probabilities in
/// <see cref="MemberPredictions.File"/> for later ensembles, and write <c>trajectory.csv</c> — per iteration the
/// learning rate, and at the start point, the members and the trajectory points the test error, test NLL and
/// distance from the start (Figure 3, left). Resumable: what is already in the manifest is not scored again.
/// </summary>
internal static class MemberScoring
{
    /// <summary>Batches of 1000 training examples for a trajectory point's batch-norm pass; members use the whole split.</summary>
    public const int PointBatchNormBatches = 10;

    public static Metrics ScoreAll(MemberTraining.Job job, Network net, IReadOnlyList<Tensor> start, List<Member> members, Action<string>? log, CancellationToken ct)
    {
        var run = job.Run;
        var data = job.Session.Data;
        var trainForBatchNorm = BatchSources.TrainingForEvaluation(data);
        var eval = BatchSources.Evaluation(data);
        var points = MemberTraining.ReadPoints(run);
        var pointFiles = Directory.Exists(run.File(MemberTraining.PointsFolder))
            ? Directory.EnumerateFiles(run.File(MemberTraining.PointsFolder), "point-*.safetensors").Order().ToList()
            : [];
        log?.Invoke($"Evaluating the start point and {members.Count} member{(members.Count == 1 ? "" : "s")}" +
                    (pointFiles.Count > 0 ? $" and {pointFiles.Count} trajectory points" : "") + $", each once{(net.HasBatchNorm ? " with batch norm recomputed" : "")}...");

        for (int p = 0; p < net.Layout.Count; p++) net.Space.SetControl(0, p, start[p]);
        var startMetrics = Score(net, trainForBatchNorm, eval, null, keep: null, ct);

        var predictions = MemberPredictions.Read(run.Path);
        try
        {
            for (int j = 0; j < members.Count; j++)
            {
                int k = members[j].Index;
                if (members[j].TestError is not null && (eval.IsSequence || predictions.ContainsKey(k))) continue; // scored before an interruption
                Checkpoint.Load(run.File(members[j].File), net);
                var m = Score(net, trainForBatchNorm, eval, null, lp =>
                {
                    if (predictions.Remove(k, out var old)) old.Dispose();
                    predictions[k] = lp;
                }, ct);
                if (!eval.IsSequence) MemberPredictions.Write(run.Path, predictions, data.EvalSplit);
                members[j] = members[j] with { TestError = m.Error, TestNll = m.Nll, DistanceFromStart = MemberTraining.DistanceFromStart(net, start) };
                MemberTraining.Record(run, members);
            }
        }
        finally
        {
            foreach (var t in predictions.Values) t.Dispose();
        }

        foreach (var file in pointFiles)
        {
            long i = long.Parse(Path.GetFileNameWithoutExtension(file)["point-".Length..], CultureInfo.InvariantCulture);
            Checkpoint.Load(file, net);
            var m = Score(net, trainForBatchNorm, eval, PointBatchNormBatches, keep: null, ct);
            points.RemoveAll(p => p.Iteration == i);
            points.Add(new TrajectoryPoint(i, (double)i / job.Train.BatchesPerEpoch, m.Error, m.Nll, MemberTraining.DistanceFromStart(net, start)));
            points.Sort((a, b) => a.Iteration.CompareTo(b.Iteration));
            MemberTraining.Record(run, members, points);
            File.Delete(file);
        }
        if (pointFiles.Count > 0) Directory.Delete(run.File(MemberTraining.PointsFolder));

        WriteTrajectory(run.File(MemberTraining.TrajectoryFile), job.Schedule, (long)job.Epochs * job.Train.BatchesPerEpoch, job.Train.BatchesPerEpoch, startMetrics, members, points);
        run.Manifest.SetSection(ManifestKey.TrajectoryColumns, "iteration (1-based; 0 = the start point), epoch (iteration / minibatches per epoch), lr (the rate of that " +
                                             "iteration's step), member (k at collections, 0 at the start point), test_error (%), test_nll and distance_from_start " +
                                             "(‖w − w_start‖ over all parameters), filled at the start point, at collections and at trajectory points " +
                                             $"(whose batch norm is recomputed from {PointBatchNormBatches} batches of {BatchSources.EvalImageBatch} training examples)");
        return startMetrics;
    }

    /// <summary>Batch norm recomputed, then one pass over the evaluation split; <paramref name="keep"/> receives the log-probabilities of an image classifier.</summary>
    private static Metrics Score(Network net, IBatchSource trainForBatchNorm, IBatchSource eval, int? batchNormBatches, Action<Tensor>? keep, CancellationToken ct)
    {
        if (eval.IsSequence)
        {
            BatchNormCalibration.Recompute(net, trainForBatchNorm, batchNormBatches, ct);
            var metrics = Evaluator.Evaluate(net, eval, ct);
            Platform.NativeMemory.Trim();
            return metrics;
        }
        var (score, logProbabilities) = new MemberEvaluator(trainForBatchNorm, eval, batchNormBatches: batchNormBatches).Evaluate(net, ct);
        if (keep is null) logProbabilities.Dispose();
        else keep(logProbabilities);
        return new Metrics(score.Nll, score.Error, eval.Examples);
    }

    private static void WriteTrajectory(string path, Training.ICollectingSchedule schedule, long iterations, int batches, Metrics start,
        IReadOnlyList<Member> members, IReadOnlyList<TrajectoryPoint> points)
    {
        var byIteration = members.ToDictionary(m => m.Iteration);
        var pointAt = points.ToDictionary(p => p.Iteration);
        var csv = new StringBuilder("iteration,epoch,lr,member,test_error,test_nll,distance_from_start\n");
        string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        csv.Append(CultureInfo.InvariantCulture, $"0,0,,0,{F(start.Error)},{F(start.Nll)},0\n");
        for (long i = 1; i <= iterations; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},{F((double)i / batches)},{F(schedule.Rate(i))}");
            csv.Append(byIteration.TryGetValue(i, out var m)
                ? string.Create(CultureInfo.InvariantCulture, $",{m.Index},{F(m.TestError)},{F(m.TestNll)},{F(m.DistanceFromStart)}\n")
                : pointAt.TryGetValue(i, out var p)
                    ? string.Create(CultureInfo.InvariantCulture, $",,{F(p.TestError)},{F(p.TestNll)},{F(p.DistanceFromStart)}\n")
                    : ",,,,\n");
        }
        AtomicFile.WriteAllText(path, csv.ToString());
    }
}
