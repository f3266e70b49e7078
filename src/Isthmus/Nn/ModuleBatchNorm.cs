
namespace Isthmus.Nn;

/// <summary>
/// The running statistics of a batch-norm layer inside a module Isthmus did not build (a TorchScript file, a user's
/// TorchSharp module), found by its buffers <c>running_mean</c>, <c>running_var</c> and <c>num_batches_tracked</c>.
/// </summary>
/// <remarks>
/// Such a layer updates its buffers with the momentum it was saved with (in a scripted module it is a constant of the
/// graph, so it cannot be set to None from outside). The cumulative average that recomputes a point's statistics
/// (docs/science.md §1; PyTorch's <c>update_bn</c>) is therefore formed around it: before each batch the buffers are
/// zeroed, so that the layer leaves f·b in them (b the batch's mean or unbiased variance, f its per-batch factor,
/// measured once by <see cref="ModuleNetwork"/>: the momentum, or 1 with momentum None and the count zeroed); after the
/// batch b = r/f joins the average a_k = (1 − 1/k)·a_{k−1} + (1/k)·b, which is written back into the buffers.
/// </remarks>
internal sealed class ModuleBatchNorm : IRunningStatistics
{
    private readonly Tensor _mean;
    private readonly Tensor _var;
    private readonly Tensor _count;
    private readonly Tensor _meanAverage;
    private readonly Tensor _varAverage;
    private long _batches;

    public ModuleBatchNorm(string name, Tensor runningMean, Tensor runningVar, Tensor batchesTracked)
    {
        Name = name;
        _mean = runningMean;
        _var = runningVar;
        _count = batchesTracked;
        _meanAverage = zeros_like(runningMean).DetachFromDisposeScope();
        _varAverage = ones_like(runningVar).DetachFromDisposeScope();
    }

    /// <summary>The layer's name in the module (the prefix of its buffers).</summary>
    public string Name { get; }

    public Tensor RunningMean => _mean;

    /// <summary>What the layer multiplies a batch's statistics by when it adds them to zeroed buffers (see remarks).</summary>
    public double Factor { get; set; } = 1.0;

    /// <summary>Zeroes the count of batches seen (a layer with momentum None then takes the next batch whole).</summary>
    public void BeforeCountedBatch() => _count.zero_();

    /// <summary>Zeroes the buffers before a batch of the cumulative average.</summary>
    public void BeforeCumulativeBatch()
    {
        _mean.zero_();
        _var.zero_();
        _count.zero_();
    }

    /// <summary>Adds the batch the layer just saw to the cumulative average and writes the average into the buffers.</summary>
    public void AfterCumulativeBatch()
    {
        _batches++;
        double keep = 1.0 - 1.0 / _batches, take = 1.0 / (_batches * Factor);
        _meanAverage.mul_(keep).add_(_mean, alpha: take);
        _varAverage.mul_(keep).add_(_var, alpha: take);
        _mean.copy_(_meanAverage);
        _var.copy_(_varAverage);
        _count.fill_(_batches);
    }

    void IRunningStatistics.ResetStatistics()
    {
        using var _ = no_grad();
        _mean.zero_();
        _var.fill_(1);
        _count.zero_();
        _meanAverage.zero_();
        _varAverage.fill_(1);
        _batches = 0;
    }

    void IRunningStatistics.SyncCountFromBuffer()
    {
        using var _ = no_grad();
        _batches = _count.item<long>();
        _meanAverage.copy_(_mean);
        _varAverage.copy_(_var);
    }

    public void Dispose()
    {
        _meanAverage.Dispose();
        _varAverage.Dispose();
    }
}
