using Isthmus.Data;
using Isthmus.Nn;
using Isthmus.Platform;
using Isthmus.Space;
using static TorchSharp.torch;

namespace Isthmus.Experiments;

/// <summary>What every recipe sets up first: threads, device, the data set in memory, and a network for it.</summary>
public sealed class Session : IDisposable
{
    private Session(DataBundle data, Device device, int threads)
    {
        Data = data;
        Device = device;
        Threads = threads;
    }

    public DataBundle Data { get; }
    public Device Device { get; }
    public int Threads { get; }
    public DataShape Shape => new(Data.InputShape, Data.Classes);

    public static Session Open(string data, string? dataRoot, int val, int? threads, string device, int subset = 0)
    {
        int n = Compute.ConfigureThreads(threads);
        var dev = Compute.SelectDevice(device);
        var bundle = DataCatalog.Load(data, new DataOptions(dataRoot ?? DataFetcher.DefaultRoot(), val, dev, subset));
        return new Session(bundle, dev, n);
    }

    /// <summary>A network of <paramref name="spec"/> bound to a new space with <paramref name="controlPoints"/> control points.</summary>
    public Network Build(ArchitectureSpec spec, int controlPoints, long seed)
    {
        var net = ModelZoo.Build(spec, Shape);
        net.Bind(WeightSpace.Create(net.Layout, controlPoints, Device, seed));
        return net;
    }

    public void Dispose() => Data.Dispose();
}
