using System.Text.Json.Nodes;
using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Experiments;

/// <summary>The result of <c>TrainRecipe.Run</c>.</summary>
public sealed record TrainOutcome(string RunPath, double TrainLoss, Metrics Train, Metrics Test, IReadOnlyList<EpochReport> Epochs, double Seconds, bool AlreadyComplete, bool IsText = false);

/// <summary>
/// <c>isthmus train</c>: train one network with the standard schedule, keep per-epoch metrics, a resume state after
/// every epoch, optional numbered checkpoints, and finally <c>model.safetensors</c> and the manifest's final metrics
/// (a full pass over both splits in eval mode, so that every later evaluator reproduces them).
/// </summary>
public static class TrainRecipe
{
    public const string ModelFile = "model.safetensors";
    public const string MetricsFile = "metrics.csv";

    public static TrainOutcome Run(TrainSettings s, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default) =>
        Run(s, session: null, progress, log, ct);

    /// <summary>
    /// Trains on the data of an already open <paramref name="session"/> (owned by the caller) instead of opening
    /// <see cref="TrainSettings.Data"/>: for library users and tests with data sets built in memory.
    /// </summary>
    public static TrainOutcome Run(TrainSettings s, Session? session, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SgdHyperparameters.Of(s).Validate();
        Platform.Precision.AutocastType(s.Precision); // refuses an unknown precision before --out is touched
        var run = RunDirectory.Create(s.Out, "train", s.Force, s.Resume);
        if (run.Resumed)
        {
            s = ResumeState.SettingsFrom(run, s);
            if (run.Status == "complete")
            {
                var final = run.Manifest["final"]!;
                return new TrainOutcome(run.Path, final["train_loss"]!.GetValue<double>(),
                    new Metrics(final["train_nll"]!.GetValue<double>(), final["train_error"]!.GetValue<double>(), 0),
                    new Metrics(final["test_nll"]!.GetValue<double>(), final["test_error"]!.GetValue<double>(), 0), [], 0, AlreadyComplete: true);
            }
        }
        using var opened = session is null ? Session.Open(s.Data, s.DataRoot, s.Val, s.Threads, s.Device, s.Subset, log) : null;
        session ??= opened!;
        using var net = session.Build(s.Model, controlPoints: 1, s.Seed);
        using var space = net.Space;
        using var optimizer = new Sgd(space.TrainableTensors(), s.Momentum, s.WeightDecay);
        var history = new List<EpochReport>();
        int start = 0;
        if (run.Resumed && ResumeState.TryLoad(run, net, optimizer, out start, history))
            log?.Invoke($"Resuming {s.Out} after epoch {start} of {s.Epochs}.");

        Describe(run, s, session, net);
        if (s.Precision == Platform.Precision.Bf16 && Platform.Precision.Bf16Caveat(session.Device) is { } caveat) log?.Invoke(caveat);
        var train = BatchSources.Training(session.Data, s.BatchSize, s.Seed);
        var eval = BatchSources.Evaluation(session.Data);
        var job = new TrainingJob
        {
            Network = net,
            Train = train,
            Eval = eval,
            Schedule = Schedules.Create(s.Schedule, s.Lr),
            Optimizer = optimizer,
            WeightDecay = s.WeightDecay,
            Epochs = s.Epochs,
            Seed = s.Seed,
            StartEpoch = start,
            Autocast = Platform.Precision.AutocastType(s.Precision),
            EpochFinished = TrainingRecord.AfterEpoch(run, net, optimizer, history, s.SaveEvery,
                (path, metadata) => Checkpoint.Save(path, net, metadata: metadata)),
        };
        Trainer.Run(job, progress, ct);

        // The same evaluation every other command uses (batch norm recomputed over the training data, then both
        // splits in eval mode), so that a curve's t = 0 or an ensemble member reproduces these numbers exactly;
        // the saved buffers are the recomputed statistics.
        log?.Invoke("Final pass over both splits in eval mode...");
        var scored = new PointEvaluator(BatchSources.TrainingForEvaluation(session.Data), eval, s.WeightDecay).Evaluate(net, ct);
        var (loss, trainMetrics, testMetrics) = (scored.TrainLoss, scored.Train, scored.Test);
        Checkpoint.Save(run.File(ModelFile), net);
        run.Manifest["final"] = FinalMetrics(loss, trainMetrics, testMetrics, session.Data.Kind == Data.DataKind.Text);
        run.Manifest["timing"] = TrainingRecord.Timing(history);
        run.Complete();
        ResumeState.Delete(run);
        return new TrainOutcome(run.Path, loss, trainMetrics, testMetrics, history, clock.Elapsed.TotalSeconds, AlreadyComplete: false, IsText: session.Data.Kind == Data.DataKind.Text);
    }

    /// <summary>The metric keys every evaluator writes (errors in percent; perplexities for language models).</summary>
    public static JsonObject FinalMetrics(double loss, Metrics train, Metrics test, bool text)
    {
        var o = new JsonObject
        {
            ["train_loss"] = Json.Number(loss),
            ["train_nll"] = Json.Number(train.Nll),
            ["train_error"] = Json.Number(train.Error),
            ["test_nll"] = Json.Number(test.Nll),
            ["test_error"] = Json.Number(test.Error),
        };
        if (text)
        {
            o["train_perplexity"] = Json.Number(train.Perplexity);
            o["test_perplexity"] = Json.Number(test.Perplexity);
        }
        return o;
    }

    private static void Describe(RunDirectory run, TrainSettings s, Session session, Network net)
    {
        var m = run.Manifest;
        m["arguments"] = TrainingRecord.Arguments(s.CommandLine);
        m["architecture"] = Manifests.Architecture(net.Spec);
        m["data"] = Manifests.Data(session.Data);
        m["space"] = new JsonObject
        {
            ["kind"] = "network",
            ["parameters"] = net.Layout.TotalElements,
            ["control_points"] = new JsonArray(new JsonObject { ["name"] = "model", ["file"] = ModelFile, ["fixed"] = false }),
        };
        m["hyperparameters"] = SgdHyperparameters.Of(s).ToManifest(s.Val, s.Subset);
        m["platform"] = TrainingRecord.Platform(session);
        m["settings"] = JsonNode.Parse(Json.Serialize(s with { CommandLine = [] }));
        run.SaveManifest();
    }
}
