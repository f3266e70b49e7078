using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>Settings of <c>isthmus evaluate</c>.</summary>
public sealed record EvaluateSettings : InvocationSettings
{
    /// <summary>A finished train run folder, or a checkpoint file (then <see cref="Data"/> and <see cref="Model"/> say what it holds).</summary>
    public required string Run { get; init; }
    /// <summary>With a run folder: another data set of the same shape to evaluate on (null = the run's own); with a checkpoint: its data set.</summary>
    public string? Data { get; init; }
    /// <summary>With a checkpoint: its architecture.</summary>
    public ArchitectureSpec? Model { get; init; }
    /// <summary>Where evaluation.json goes: this folder; null = the run folder, or beside the checkpoint as &lt;name&gt;.evaluation.json.</summary>
    public string? Out { get; init; }
}

/// <param name="NonFinite">The network's outputs hold NaN or ∞ (its weights diverged): its metrics mean nothing.</param>
public sealed record EvaluateOutcome(string File, double TrainLoss, Metrics Train, Metrics Test, bool IsText, bool NonFinite);

/// <summary>
/// <c>isthmus evaluate</c>: a trained network — a run's or a bare checkpoint's — scored on both splits in eval mode
/// with the same keys as the manifest's <c>final</c> section (batch norm recomputed first, as every command does), written
/// to <c>evaluation.json</c>.
/// </summary>
public static class EvaluateRecipe
{
    public const string OutputFile = "evaluation.json";

    public static EvaluateOutcome Run(EvaluateSettings s, CancellationToken ct = default)
    {
        var (weights, kind, wd, file) = Resolve(s);
        using var session = Session.Open(kind.Data, s.DataRoot, kind.Val, s.Threads, s.Device, kind.Subset);
        using var net = session.Build(kind.Architecture, controlPoints: 1, seed: 0);
        using var space = net.Space;
        Checkpoint.Load(weights, net);
        var point = session.Evaluator(wd).Evaluate(net, ct);
        bool text = session.Data.Kind == Data.DataKind.Text;
        var result = MetricsSection.Json(point.TrainLoss, point.Train, point.Test, text);
        bool nonFinite = !double.IsFinite(point.TrainLoss) || !double.IsFinite(point.Train.Nll) || !double.IsFinite(point.Test.Nll);
        result["non_finite_outputs"] = nonFinite;
        result["architecture"] = RunManifest.ToJson(kind.Architecture);
        result["data"] = RunManifest.ToJson(DataSection.Of(session.Data));
        result["model"] = Path.GetFullPath(weights);
        result["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        if (Path.GetDirectoryName(file) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
        Json.Write(file, result);
        return new EvaluateOutcome(file, point.TrainLoss, point.Train, point.Test, text, nonFinite);
    }

    /// <summary>The weights, what they are, the weight decay of the reported loss, and where the results go.</summary>
    private static (string Weights, NetworkKind Kind, double WeightDecay, string File) Resolve(EvaluateSettings s)
    {
        string Into(string defaultFile) => s.Out is null ? defaultFile : Path.Combine(s.Out, OutputFile);
        if (Directory.Exists(s.Run))
        {
            if (s.Model is not null) throw new IsthmusException($"{s.Run} is a run folder, which brings its own architecture; drop --model (it goes with a checkpoint file).");
            var trained = TrainedRun.Open(s.Run);
            // --data scores the network on another data set's full splits, not on the run's hold-out or subset.
            var kind = s.Data is null ? trained.Kind : new NetworkKind(trained.Architecture, s.Data);
            return (trained.ModelPath, kind, trained.WeightDecay, Into(trained.Run!.File(OutputFile)));
        }
        if (!File.Exists(s.Run)) throw new IsthmusException($"{s.Run} does not exist; pass a train run folder, or a checkpoint file with --data and --model.");
        if (s.Data is null || s.Model is null)
            throw new IsthmusException($"{s.Run} is a checkpoint file, so evaluate needs --data and --model to know what it holds (e.g. --data mnist --model mlp --widths 800,800).");
        var stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(s.Run))!, Path.GetFileNameWithoutExtension(s.Run));
        return (s.Run, new NetworkKind(s.Model, s.Data), 0, Into(stem + "." + OutputFile));
    }
}
