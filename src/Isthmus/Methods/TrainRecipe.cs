using Isthmus.Evaluation;
using Isthmus.Runs;
using Isthmus.Training;

namespace Isthmus.Methods;

/// <summary>The result of <c>TrainRecipe.Run</c>.</summary>
public sealed record TrainOutcome(string RunPath, double TrainLoss, Metrics Train, Metrics Test, IReadOnlyList<EpochReport> Epochs, double Seconds, bool AlreadyComplete, bool IsText = false);

/// <summary>
/// <c>isthmus train</c>: train one network with the standard schedule, keep per-epoch metrics, a resume state after
/// every epoch, optional numbered checkpoints, and finally <c>model.safetensors</c> and the manifest's final metrics
/// (a full pass over both splits in eval mode, so that every later evaluator reproduces them).
/// </summary>
public static class TrainRecipe
{

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
            s = ResumeState.ContinuedSettings(run, s) with { Model = NetworkKind.Read(run).Architecture };
            if (run.IsComplete)
            {
                var final = (run.Manifest.Final ?? new MetricsSection()).ToPointMetrics();
                return new TrainOutcome(run.Path, final.TrainLoss, final.Train, final.Test, [], 0, AlreadyComplete: true);
            }
        }
        using var opened = session is null ? Session.Open(s.Data, s.DataRoot, s.Val, s.Threads, s.Device, s.Subset, log) : null;
        session ??= opened!;
        using var net = session.Build(s.Model, controlPoints: 1, s.Seed);
        using var space = net.Space;
        Describe(run, s, session, net);
        if (s.Precision == Platform.Precision.Bf16 && Platform.Precision.Bf16Caveat(session.Device) is { } caveat) log?.Invoke(caveat);
        var history = SpaceTraining.Run(run, net, session, SgdHyperparameters.Of(s), sampler: null, progress, log, ct, Platform.Precision.AutocastType(s.Precision));

        // The same evaluation every other command uses (batch norm recomputed over the training data, then both
        // splits in eval mode), so that a curve's t = 0 or an ensemble member reproduces these numbers exactly;
        // the saved buffers are the recomputed statistics.
        log?.Invoke("Final pass over both splits in eval mode...");
        var scored = session.Evaluator(s.WeightDecay).Evaluate(net, ct);
        var (loss, trainMetrics, testMetrics) = (scored.TrainLoss, scored.Train, scored.Test);
        Storage.Checkpoint.Save(run.File(TrainedRun.ModelFile), net);
        run.Manifest.Final = MetricsSection.Of(scored, session.Data.Kind == Data.DataKind.Text);
        run.Manifest.SetSection(ManifestKey.Timing, TrainingRecord.Timing(history));
        run.Complete();
        ResumeState.Delete(run);
        return new TrainOutcome(run.Path, loss, trainMetrics, testMetrics, history, clock.Elapsed.TotalSeconds, AlreadyComplete: false, IsText: session.Data.Kind == Data.DataKind.Text);
    }

    private static void Describe(RunDirectory run, TrainSettings s, Session session, Nn.Network net)
    {
        var m = run.Manifest;
        session.Describe(m, s.CommandLine, net.Spec);
        m.Space = new SpaceSection
        {
            Kind = "network",
            Parameters = net.Layout.TotalElements,
            ControlPoints = [new ControlPointSection { Name = "model", File = TrainedRun.ModelFile, Fixed = false }],
        };
        m.Hyperparameters = SgdHyperparameters.Of(s).ToManifest(s.Val, s.Subset);
        m.Settings = s.ToManifest();
        run.SaveManifest();
    }
}
