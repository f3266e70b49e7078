using Isthmus.Nn;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Runs;

/// <summary>
/// What every training command keeps in its run folder, whatever its weight space: the command line and platform
/// in the manifest, and after each epoch metrics.csv, an optional numbered checkpoint and the resume state.
/// </summary>
public static class TrainingRecord
{
    public static PlatformSection Platform(int threads, TorchSharp.torch.Device device) => new()
    {
        Threads = threads,
        Device = device.ToString(),
        Torchsharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
        ConvolutionKernels = Isthmus.Platform.ConvolutionKernels.Cap,
    };

    /// <summary>
    /// The trainer's per-epoch callback: appends to <paramref name="history"/>, rewrites metrics.csv, saves
    /// <c>checkpoint-&lt;epoch&gt;.safetensors</c> with <paramref name="saveCheckpoint"/> every
    /// <paramref name="saveEvery"/> epochs, then the resume state (last, so that it never points past a file).
    /// </summary>
    public static Action<EpochReport> AfterEpoch(RunDirectory run, Network net, Sgd optimizer, List<EpochReport> history,
        int saveEvery, Action<string, IReadOnlyDictionary<string, string>> saveCheckpoint) => report =>
    {
        history.Add(report);
        MetricsCsv.Write(run.File(MetricsCsv.File), history);
        if (saveEvery > 0 && report.Epoch % saveEvery == 0)
            saveCheckpoint(run.File($"checkpoint-{report.Epoch}.safetensors"),
                new Dictionary<string, string> { ["epoch"] = report.Epoch.ToString(CultureInfo.InvariantCulture) });
        ResumeState.Save(run, net, optimizer, report.Epoch, history);
    };

    /// <summary>The manifest's <c>timing</c> section, over every epoch of the run (resumed ones included).</summary>
    public static JsonObject Timing(IReadOnlyList<EpochReport> history) => new()
    {
        ["seconds_total"] = Json.Number(history.Sum(h => h.Seconds)),
        ["seconds_per_epoch"] = Json.Number(history.Count == 0 ? 0 : history.Average(h => h.Seconds)),
    };
}
