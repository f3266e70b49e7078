using System.Text.Json.Nodes;
using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Experiments;

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
        var run = RunDirectory.Open(s.Run);
        var modelPath = run.File(TrainRecipe.ModelFile);
        if (run.Status != "complete" || !File.Exists(modelPath))
            throw new IsthmusException($"{s.Run} has not finished training (status '{run.Status}'); finish it with `isthmus train --out {s.Run} --resume` first.");
        var spec = Manifests.ReadArchitecture(run.Manifest["architecture"], run.Path);
        var data = s.Data ?? run.Manifest["data"]?["name"]?.GetValue<string>() ?? throw new IsthmusException($"{s.Run}/manifest.json names no data set; pass --data.");
        int val = run.Manifest["hyperparameters"]?["val"]?.GetValue<int>() ?? 0;
        int subset = run.Manifest["hyperparameters"]?["subset"]?.GetValue<int>() ?? 0;
        double wd = run.Manifest["hyperparameters"]?["wd"]?.GetValue<double>() ?? 0;
        using var session = Session.Open(data, s.DataRoot, s.Data is null ? val : 0, s.Threads, s.Device, s.Data is null ? subset : 0);
        using var net = session.Build(spec, controlPoints: 1, seed: 0);
        using var space = net.Space;
        Checkpoint.Load(modelPath, net);
        var point = new PointEvaluator(BatchSources.TrainingForEvaluation(session.Data), BatchSources.Evaluation(session.Data), wd).Evaluate(net, ct);
        var (loss, train, test) = (point.TrainLoss, point.Train, point.Test);
        bool text = session.Data.Kind == Data.DataKind.Text;
        var result = TrainRecipe.FinalMetrics(loss, train, test, text);
        result["data"] = Manifests.Data(session.Data);
        result["model"] = TrainRecipe.ModelFile;
        result["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        var file = run.File(OutputFile);
        Json.Write(file, result);
        return new EvaluateOutcome(file, loss, train, test, text);
    }
}
