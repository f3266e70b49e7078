using Isthmus.Space;

namespace Isthmus.Nn.Layers;

/// <summary>
/// Batch normalisation (PyTorch's <c>nn.BatchNorm1d</c>/<c>2d</c>: same names, eps 1e-5, momentum 0.1). γ and β live
/// in the weight space like any weight (per control point, docs/science.md §1); running statistics are buffers of the
/// evaluated point. With <see cref="Network.BatchNormMomentum"/> = null they are a cumulative average, which is
/// how <c>Evaluation.BatchNormCalibration</c> recomputes them for each point.
/// </summary>
/// <remarks>
/// With P points stacked (<see cref="WeightSpace.MoveToStack"/>, activations [B, P·C, …] as <see cref="Conv2d"/> lays
/// them out) each point's C channels are normalised with its own γ, β and statistics: one batch norm over P·C channels,
/// whose running statistics are separate [P·C] buffers, reset with the point's own. A batch's statistics are per
/// channel over the batch, so point q's are exactly those it has alone, and a recalibration pass over stacked points
/// forms each point's cumulative average as it does one point at a time.
/// </remarks>
public sealed class BatchNorm : IRunningStatistics
{
    private const double Eps = 1e-5;
    private readonly Network _net;
    private readonly int _weight;
    private readonly int _bias;
    private readonly Tensor _runningMean;
    private readonly Tensor _runningVar;
    private readonly Tensor _batchesTracked;
    private long _batches; // host copy of num_batches_tracked: the cumulative momentum needs it without a sync
    private readonly long _features;
    private Tensor? _stackedMean, _stackedVar; // [P·C] running statistics of stacked points
    private long _stackedBatches;

    public BatchNorm(LayerBuilder b, string name, long features)
    {
        _net = b.Network;
        _weight = b.Parameter($"{name}.weight", [features], Init.Constant(1));
        _bias = b.Parameter($"{name}.bias", [features], Init.Constant(0));
        _features = features;
        _runningMean = _net.Buffers.Add($"{name}.running_mean", zeros(features));
        _runningVar = _net.Buffers.Add($"{name}.running_var", ones(features));
        _batchesTracked = _net.Buffers.Add($"{name}.num_batches_tracked", zeros(Array.Empty<long>(), ScalarType.Int64));
        _net.Buffers.Register(this);
    }

    public Tensor Forward(Tensor x)
    {
        if (_net.Space.Stacked > 0) return StackedForward(_net.Space, x);
        double momentum = 0;
        if (_net.Training)
        {
            _batches++;
            _batchesTracked.add_(1);
            momentum = _net.BatchNormMomentum ?? 1.0 / _batches;
        }
        if (x.dtype != ScalarType.Float32) x = x.to_type(ScalarType.Float32); // autocast: normalisation and its statistics in float32
        return nn.functional.batch_norm(x, _runningMean, _runningVar, _net.Space.Point(_weight), _net.Space.Point(_bias), _net.Training, momentum, Eps);
    }

    private Tensor StackedForward(WeightSpace space, Tensor x)
    {
        int p = space.Stacked;
        long channels = p * _features;
        if (x.shape[1] != channels)
            throw new InvalidOperationException($"A stacked batch norm expects {channels} channels, got {x.shape[1]}.");
        if (_stackedMean is null || _stackedMean.shape[0] != channels)
        {
            DisposeStacked();
            _stackedMean = zeros(channels, device: x.device).DetachFromDisposeScope();
            _stackedVar = ones(channels, device: x.device).DetachFromDisposeScope();
        }
        double momentum = 0;
        if (_net.Training)
        {
            _stackedBatches++;
            momentum = _net.BatchNormMomentum ?? 1.0 / _stackedBatches;
        }
        if (x.dtype != ScalarType.Float32) x = x.to_type(ScalarType.Float32);
        using var gamma = space.StackedPoint(_weight).reshape(channels);
        using var beta = space.StackedPoint(_bias).reshape(channels);
        return nn.functional.batch_norm(x, _stackedMean, _stackedVar!, gamma, beta, _net.Training, momentum, Eps);
    }

    private void DisposeStacked()
    {
        _stackedMean?.Dispose();
        _stackedVar?.Dispose();
        (_stackedMean, _stackedVar, _stackedBatches) = (null, null, 0);
    }

    void IRunningStatistics.ResetStatistics()
    {
        DisposeStacked();
        using var _ = no_grad();
        _runningMean.zero_();
        _runningVar.fill_(1);
        _batchesTracked.zero_();
        _batches = 0;
    }

    void IRunningStatistics.SyncCountFromBuffer() => _batches = _batchesTracked.item<long>();
}
