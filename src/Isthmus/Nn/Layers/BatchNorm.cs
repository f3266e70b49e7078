using Isthmus.Space;

namespace Isthmus.Nn.Layers;

/// <summary>
/// Batch normalisation (PyTorch's <c>nn.BatchNorm1d</c>/<c>2d</c>: same names, eps 1e-5, momentum 0.1). γ and β live
/// in the weight space like any weight (per control point, docs/science.md §1); running statistics are buffers of the
/// evaluated point. With <see cref="Network.BatchNormMomentum"/> = null they are a cumulative average, which is
/// how <c>Evaluation.BatchNormCalibration</c> recomputes them for each point.
/// </summary>
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

    public BatchNorm(LayerBuilder b, string name, long features)
    {
        _net = b.Network;
        _weight = b.Parameter($"{name}.weight", [features], Init.Constant(1));
        _bias = b.Parameter($"{name}.bias", [features], Init.Constant(0));
        _runningMean = _net.Buffers.Add($"{name}.running_mean", zeros(features));
        _runningVar = _net.Buffers.Add($"{name}.running_var", ones(features));
        _batchesTracked = _net.Buffers.Add($"{name}.num_batches_tracked", zeros(Array.Empty<long>(), ScalarType.Int64));
        _net.Buffers.Register(this);
    }

    public Tensor Forward(Tensor x)
    {
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

    void IRunningStatistics.ResetStatistics()
    {
        using var _ = no_grad();
        _runningMean.zero_();
        _runningVar.fill_(1);
        _batchesTracked.zero_();
        _batches = 0;
    }

    void IRunningStatistics.SyncCountFromBuffer() => _batches = _batchesTracked.item<long>();
}
