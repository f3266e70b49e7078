using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Platform;
using Isthmus.Runs;
using Isthmus.Space;

namespace Isthmus.Methods;

/// <summary>What every recipe sets up first: threads, device, the data set in memory, and a network for it.</summary>
public sealed class Session : IDisposable
{
    private Session() { }

    public required DataBundle Data { get; init; }
    public required Device Device { get; init; }
    public required int Threads { get; init; }
    public DataShape Shape => new(Data.InputShape, Data.Classes);

    /// <summary>
    /// Opens a session. Data sets Isthmus can fetch (MNIST, Fashion-MNIST, fortunes, Brown) are fetched and checked on
    /// first use, so that no command needs a manual set-up step.
    /// </summary>
    public static Session Open(string data, string? dataRoot, int val, int? threads, string device, int subset = 0, Action<string>? log = null)
    {
        int n = Compute.ConfigureThreads(threads);
        var dev = Compute.SelectDevice(device);
        var root = dataRoot ?? DataFetcher.DefaultRoot();
        if (DataFetcher.Names.Contains(data) && !DataFetcher.IsPresent(data, root))
        {
            log?.Invoke($"{data} is not in {root} yet; fetching it (checksums verified)...");
            DataFetcher.FetchAsync(data, root).GetAwaiter().GetResult();
        }
        var bundle = DataCatalog.Load(data, new DataOptions(root, val, dev, subset));
        return new Session { Data = bundle, Device = dev, Threads = n };
    }

    /// <summary>
    /// The session a method runs in for networks of <paramref name="kind"/>: a new one over their data (null is
    /// returned when <paramref name="given"/>, owned by the caller, is used instead — after checking it holds that data).
    /// </summary>
    public static Session? OpenFor(NetworkKind kind, InvocationSettings s, Session? given, Action<string>? log)
    {
        if (given is null) return Open(kind.Data, s.DataRoot, kind.Val, s.Threads, s.Device, kind.Subset, log);
        if (given.Data.Name != kind.Data)
            throw new IsthmusException($"The networks are {kind.Describe()}, but the session given holds {given.Data.Name}; open a session on {kind.Data}.");
        return null;
    }

    /// <summary>
    /// A session over a data set already in memory (built with <see cref="DataBundle.ForImages"/> or
    /// <see cref="DataBundle.ForText"/>), with torch's current thread count. The caller keeps ownership of
    /// <paramref name="data"/>: disposing this session does not dispose it.
    /// </summary>
    public static Session ForData(DataBundle data, Device? device = null) =>
        new() { Data = data, Device = device ?? CPU, Threads = get_num_threads(), _ownsData = false };

    private bool _ownsData = true;

    /// <summary>A network of <paramref name="spec"/> bound to a new space with <paramref name="controlPoints"/> control points.</summary>
    public Network Build(ArchitectureSpec spec, int controlPoints, long seed)
    {
        var net = ModelZoo.Build(spec, Shape);
        var space = WeightSpace.Create(net.Layout, controlPoints, Device, seed);
        net.StartFromOwnWeights(space);
        net.Bind(space);
        return net;
    }

    /// <summary>
    /// Writes what every run folder's manifest says about where and on what it ran: the command line, the
    /// architecture, this session's data set (with its checksums) and the platform.
    /// </summary>
    public void Describe(RunManifest manifest, IReadOnlyList<string> commandLine, ArchitectureSpec architecture)
    {
        manifest.Arguments = commandLine;
        manifest.Architecture = architecture;
        manifest.Data = DataSection.Of(Data);
        manifest.Platform = TrainingRecord.Platform(Threads, Device);
    }

    /// <summary>
    /// Scores points of the weight space on this session's data: loss and error on the training split (read in order,
    /// without augmentation) and on the evaluation split, batch norm recomputed for each point first over
    /// <paramref name="batchNormBatches"/> training batches (null: all of them).
    /// </summary>
    /// <param name="repair">REPAIR's correction, recomputed at each point after batch norm (<see cref="Evaluation.Repair"/>); null: none.</param>
    /// <param name="interpolated">Batch-norm statistics interpolated between the control points instead of recomputed (<see cref="InterpolatedStatistics"/>); null: recomputed.</param>
    public PointEvaluator Evaluator(double weightDecay, int? batchNormBatches = null, Repair? repair = null, InterpolatedStatistics? interpolated = null) =>
        new(BatchSources.TrainingForEvaluation(Data), BatchSources.Evaluation(Data), weightDecay, batchNormBatches) { Repair = repair, Interpolated = interpolated };

    /// <summary>A network with every control point of <paramref name="run"/> loaded, on this session's device.</summary>
    public Network Load(SpaceRun run)
    {
        var net = Build(run.Kind.Architecture, run.ControlPoints, seed: 0);
        run.LoadInto(net);
        return net;
    }

    public void Dispose()
    {
        if (_ownsData) Data.Dispose();
    }
}
