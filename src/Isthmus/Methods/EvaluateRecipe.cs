using System.Text.Json.Nodes;
using Isthmus.Evaluation;
using Isthmus.Runs;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Methods;

/// <summary>Settings of <c>isthmus evaluate</c>.</summary>
public sealed record EvaluateSettings
{
    public required string Run { get; init; }
    /// <summary>Another data set of the same shape to evaluate on; null = the run's own.</summary>
    public string? Data { get; init; }
    public string? DataRoot { get; init; }
    public int? Threads { get; init; }
    public string Device { get; init; } = "auto";
}

public sealed record EvaluateOutcome(string File, double TrainLoss, Metrics Train, Metrics Test, bool IsText);

/// <summary>
/// <c>isthmus evaluate</c>: the trained network of a run, scored on both splits in eval mode with the same keys
/// as the manifest's <c>final</c> section, written to <c>evaluation.json</c> in the run folder.
/// </summary>
public static class EvaluateRecipe
{
    public const string OutputFile = "evaluation.json";

    public static EvaluateOutcome Run(EvaluateSettings s, CancellationToken ct = default)
    {
        var trained = TrainedRun.Open(s.Run);
        var run = trained.Run;
        // --data scores the network on another data set's full splits, not on the run's hold-out or subset.
        var kind = s.Data is null ? trained.Kind : new NetworkKind(trained.Architecture, s.Data);
        using var session = Session.Open(kind.Data, s.DataRoot, kind.Val, s.Threads, s.Device, kind.Subset);
        using var net = session.Build(kind.Architecture, controlPoints: 1, seed: 0);
        using var space = net.Space;
        Checkpoint.Load(trained.ModelPath, net);
        var point = new PointEvaluator(BatchSources.TrainingForEvaluation(session.Data), BatchSources.Evaluation(session.Data), trained.WeightDecay).Evaluate(net, ct);
        var (loss, train, test) = (point.TrainLoss, point.Train, point.Test);
        bool text = session.Data.Kind == Data.DataKind.Text;
        var result = MetricsSection.Json(loss, train, test, text);
        result["data"] = RunManifest.ToJson(DataSection.Of(session.Data));
        result["model"] = TrainedRun.ModelFile;
        result["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        var file = run.File(OutputFile);
        Json.Write(file, result);
        return new EvaluateOutcome(file, loss, train, test, text);
    }
}
