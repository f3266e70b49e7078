namespace Isthmus.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show stack traces and extra detail when something fails.", Recursive = true };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "No progress bars or messages; only the result (and errors).", Recursive = true };
    public static readonly Option<bool> Json = new("--json") { Description = "Print the result as JSON on stdout instead of a summary line.", Recursive = true };

    public static readonly Option<int?> EvalBatchSize = new("--eval-batch-size")
    {
        Description = "Examples per forward pass when scoring (default: chosen for the network, at most 1000, so that a block's activations stay under 1 GiB; metrics do not depend on it). Batch-norm recalibration keeps its batches of 1000.",
        Recursive = true,
    };

    public static readonly Option<int?> StackMemory = new("--stack-memory")
    {
        Description = "MiB that the points a grid (eval-curve, plane, eval-set, eval-chain) scores together in one pass may take beyond one point's evaluation: their weights and their activations over a batch (default 256, for networks without convolutions; giving it also stacks convolutional networks, which measured slower on 2 CPU cores; 1 or less scores one point at a time; metrics do not depend on it).",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [Verbose, Quiet, Json, EvalBatchSize, StackMemory];
}
