
namespace Isthmus.Nn;

/// <summary>
/// Runs one stage of a deep network (a residual block, a convolution–norm–ReLU unit) in its own dispose scope, so that
/// only its output outlives it. TorchSharp frees a tensor when its handle is disposed, not when nothing refers to it as
/// PyTorch does; without inner scopes every intermediate of a forward pass lived until the caller's per-batch scope
/// ended, and memory grew with depth × batch (PreResNet-164 evaluating 250 images: 12 GB). Disposing a handle never
/// frees what autograd saved for the backward pass (it holds its own reference), so training keeps exactly the
/// activations PyTorch keeps, and evaluation keeps one stage's (docs/performance.md).
/// </summary>
internal static class Stage
{
    [ThreadStatic] private static long? _widest;

    /// <summary>
    /// Elements of the largest stage output while <paramref name="forward"/> runs (0 if the network has no stages): what
    /// <see cref="Network.WidestActivation"/> reads.
    /// </summary>
    public static long Widest(Action forward)
    {
        _widest = 0;
        try
        {
            forward();
            return _widest.Value;
        }
        finally { _widest = null; }
    }

    /// <param name="input">The stage's input.</param>
    /// <param name="stage">The stage's computation.</param>
    /// <param name="disposeInput">True when the input is the previous stage's output, which nothing else reads: its
    /// handle is disposed once this stage has consumed it. False for the network's input (the caller's).</param>
    public static Tensor Run(Tensor input, Func<Tensor, Tensor> stage, bool disposeInput)
    {
        Tensor output;
        using (NewDisposeScope())
            output = stage(input).MoveToOuterDisposeScope();
        if (_widest is { } widest) _widest = Math.Max(widest, output.numel());
        if (disposeInput && !ReferenceEquals(output, input)) input.Dispose();
        return output;
    }
}
