using Isthmus.Nn;

namespace Isthmus.Evaluation;

/// <summary>
/// How many examples an eval-mode pass runs through the network at once. Evaluation sources hand out batches of
/// <see cref="Data.BatchSources.EvalImageBatch"/> images; a network whose activations for that many would pass
/// <see cref="MemoryBudgetBytes"/> runs each batch in smaller chunks and joins their logits, which groups the same
/// examples differently and changes no metric (eval mode: every example's logits depend on it alone). Batch-norm
/// recalibration does not go through here: its batches are statistics and stay as documented.
/// </summary>
public static class EvaluationBatch
{
    /// <summary>Default bound on one chunk's activations: 1 GiB.</summary>
    public const long DefaultMemoryBudgetBytes = 1L << 30;

    /// <summary>
    /// A stage (<see cref="Nn.Stage"/>) holds its input, its output and a few intermediates of about the same size:
    /// the working set of a residual block or a convolution unit is taken as this many of its widest activation.
    /// </summary>
    public const int ActivationsPerStage = 4;

    /// <summary>Bound on one chunk's activations, in bytes; a process sets it once, before evaluating.</summary>
    public static long MemoryBudgetBytes { get; set; } = DefaultMemoryBudgetBytes;

    /// <summary>A fixed chunk size (<c>--eval-batch-size</c>) instead of one chosen from the budget; null = chosen.</summary>
    public static int? Size { get; set; }

    /// <summary>
    /// Examples per pass when points are stacked through a network without stages (an MLP): its P points' activations
    /// over 1,000 examples outgrow the cache, and 250 measured both faster and lighter on the MNIST MLP, 18 points
    /// per pass (`bench --only grid,grid-memory`: stacked ÷ one at a time 1.67 against 1.47, peak ÷ training's
    /// 1.35 against 1.58; docs/performance.md).
    /// </summary>
    public const int StackedExamples = 250;

    /// <summary>Examples per forward pass for <paramref name="net"/> on batches like <paramref name="x"/>.</summary>
    public static int For(Network net, Tensor x)
    {
        long batch = x.shape[0];
        if (Size is { } fixedSize) return (int)Math.Min(fixedSize, batch);
        long widest = net.WidestActivation(x);
        if (widest == 0) return (int)(net.IsBound && net.Space.Stacked > 0 ? Math.Min(StackedExamples, batch) : batch);
        long perExample = ActivationsPerStage * widest * x.element_size();
        return (int)Math.Clamp(MemoryBudgetBytes / perExample, 1, batch);
    }

    /// <summary>The network's logits for <paramref name="x"/>, in chunks of <see cref="For"/> examples (with points
    /// stacked, the widest activation is all of theirs, so chunks shrink with the stack).</summary>
    public static Tensor Forward(Network net, Tensor x)
    {
        long batch = x.shape[0];
        int chunk = batch == 0 ? 1 : For(net, x);
        if (chunk >= batch) return net.Forward(x);
        var parts = new List<Tensor>();
        for (long start = 0; start < batch; start += chunk)
        {
            using var scope = NewDisposeScope();
            parts.Add(net.Forward(x.narrow(0, start, Math.Min(chunk, batch - start))).MoveToOuterDisposeScope());
        }
        var logits = cat(parts, net.Space.Stacked > 0 ? 1 : 0); // stacked points' logits are [P, B, classes]
        foreach (var p in parts) p.Dispose();
        return logits;
    }
}
