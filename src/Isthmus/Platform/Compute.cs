namespace Isthmus.Platform;

/// <summary>Device choice and thread count, set once per command.</summary>
public static class Compute
{
    /// <summary><c>cpu</c>, <c>cuda</c> or <c>auto</c> (CUDA when present, else CPU).</summary>
    public static Device SelectDevice(string choice) => choice switch
    {
        "cpu" => CPU,
        "cuda" => cuda.is_available() ? CUDA : throw new IsthmusException("--device cuda was asked for, but no CUDA device is available to TorchSharp (this build uses TorchSharp-cpu); use --device cpu or auto."),
        "auto" => cuda.is_available() ? CUDA : CPU,
        _ => throw new IsthmusException($"Unknown device '{choice}'; use cpu, cuda or auto."),
    };

    /// <summary>Uses <paramref name="threads"/> intra-op threads, or every core when null. Returns the count set.</summary>
    public static int ConfigureThreads(int? threads)
    {
        int n = threads ?? Environment.ProcessorCount;
        if (n < 1) throw new IsthmusException($"--threads must be at least 1 (got {n}).");
        set_num_threads(n);
        return n;
    }
}
