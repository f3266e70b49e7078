using Isthmus.Nn;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Runs;

/// <summary>
/// What an interrupted run needs to finish exactly as an uninterrupted one: every control point, the batch-norm
/// buffers, the momentum buffers, the number of finished epochs and the metrics so far — one safetensors file,
/// written atomically after every epoch, so it is never half old and half new.
/// </summary>
public static class ResumeState
{
    public const string File = "resume.safetensors";

    public static void Save(RunDirectory run, Network net, Sgd optimizer, int epochsDone, IReadOnlyList<EpochReport> history)
    {
        var tensors = SpaceFile.Entries(net);
        foreach (var (i, b) in optimizer.State()) tensors.Add(($"momentum.{i}", b));
        Safetensors.Save(run.File(File), tensors, new Dictionary<string, string>
        {
            ["epochs_done"] = epochsDone.ToString(CultureInfo.InvariantCulture),
            ["history"] = JsonSerializer.Serialize(history),
        });
    }

    public static bool TryLoad(RunDirectory run, Network net, Sgd optimizer, out int epochsDone, List<EpochReport> history)
    {
        epochsDone = 0;
        var path = run.File(File);
        if (!System.IO.File.Exists(path)) return false;
        using var file = Safetensors.Load(path);
        SpaceFile.LoadInto(file, path, net);
        foreach (var (name, t) in file.Tensors)
            if (name.StartsWith("momentum.", StringComparison.Ordinal))
                optimizer.Restore(int.Parse(name["momentum.".Length..], CultureInfo.InvariantCulture), t);
        epochsDone = int.Parse(file.Metadata["epochs_done"], CultureInfo.InvariantCulture);
        history.AddRange(JsonSerializer.Deserialize<List<EpochReport>>(file.Metadata["history"]) ?? []);
        return true;
    }

    public static void Delete(RunDirectory run)
    {
        try { System.IO.File.Delete(run.File(File)); } catch (IOException) { }
    }

    /// <summary>Settings keys that belong to the invocation rather than to the run: a resumed run takes them from the new command line.</summary>
    private static readonly string[] InvocationKeys = ["out", "threads", "device", "data_root", "command_line"];

    /// <summary>
    /// The one way a run continues: the settings record saved whole in the manifest's <c>settings</c>, with this
    /// invocation's output, thread, device and data-root choices (and <c>resume</c> on, <c>force</c> off).
    /// </summary>
    public static T ContinuedSettings<T>(RunDirectory run, T given) where T : class
    {
        var recorded = run.Manifest.Settings
                       ?? throw new IsthmusException($"{run.Path}/manifest.json records no settings to resume from; start the run again with --force.");
        var merged = (JsonObject)recorded.DeepClone();
        var now = JsonSerializer.SerializeToNode(given, Json.Options)!.AsObject();
        foreach (var key in InvocationKeys) merged[key] = now[key]?.DeepClone();
        merged["force"] = false;
        merged["resume"] = true;
        try
        {
            return merged.Deserialize<T>(Json.Options)
                   ?? throw new IsthmusException($"{run.Path}/manifest.json holds unreadable settings; start the run again with --force.");
        }
        catch (JsonException)
        {
            throw new IsthmusException($"{run.Path}/manifest.json holds unreadable settings; start the run again with --force.");
        }
    }
}
