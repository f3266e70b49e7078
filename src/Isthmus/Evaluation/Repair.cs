using Isthmus.Data;
using Isthmus.Nn;

namespace Isthmus.Evaluation;

/// <summary>
/// REPAIR (Jordan et al. 2022, §4): on a network interpolated between control points, each hidden unit's pre-activation
/// is rescaled so that its mean and standard deviation over training data equal the same interpolation of the control
/// points' own: for c = (1 − t, t), μ*(t) = (1 − t)·μ_A + t·μ_B and σ*(t) likewise. Interpolating weights collapses the
/// variance of hidden units, and this restores it. The correction is an affine map per unit, y ↦ a·y + d with
/// a = σ*/σ and d = μ* − a·μ, applied to the output of the layer that produces each permutation group's units
/// (<see cref="Network.LayerOutput"/>). It is measured layer by layer, each layer with the layers before it already
/// corrected, so that at a control point itself the correction is exactly the identity. Attach it to a network bound
/// to the space to evaluate; <see cref="PointEvaluator"/> recomputes it for each point as it recomputes batch norm.
/// </summary>
public sealed class Repair : IDisposable
{
    private readonly Network _net;
    private readonly string[] _layers;
    private readonly (Tensor Mean, Tensor Std)[][] _controls;   // [k][layer]
    private readonly Dictionary<string, (Tensor Scale, Tensor Shift)> _correction = new(StringComparer.Ordinal);
    private Dictionary<string, UnitMoments>? _observing;

    private Repair(Network net, string[] layers, (Tensor, Tensor)[][] controls)
    {
        _net = net;
        _layers = layers;
        _controls = controls;
    }

    /// <summary>The hidden layers corrected: those that produce a permutation group's units, in forward order.</summary>
    public IReadOnlyList<string> Layers => _layers;

    /// <summary>
    /// Measures every control point's unit statistics over <paramref name="batches"/> training batches (null: all) and
    /// attaches the correction to <paramref name="net"/>, which must declare permutation groups. The space is left at
    /// its last control point.
    /// </summary>
    public static Repair Attach(Network net, IBatchSource train, int? batches, CancellationToken ct = default)
    {
        var layers = NetworkPermutation.GroupsWithLayerOutputs(net, "REPAIR").Select(g => g.Name).ToArray();
        var space = net.Space;
        var controls = new (Tensor, Tensor)[space.ControlPointCount][];
        var repair = new Repair(net, layers, controls);
        net.LayerOutput = repair.Correct;
        for (int k = 0; k < controls.Length; k++)
        {
            space.MoveTo(Enumerable.Range(0, controls.Length).Select(i => i == k ? 1.0 : 0.0).ToArray());
            var moments = repair.Observe(layers, train, batches, ct);
            controls[k] = layers.Select(l => (moments[l].Mean().DetachFromDisposeScope(), moments[l].Std().DetachFromDisposeScope())).ToArray();
            foreach (var m in moments.Values) m.Dispose();
        }
        return repair;
    }

    /// <summary>Recomputes the correction for the space's current point (its coefficients interpolate the targets).</summary>
    public void Recompute(IBatchSource train, int? batches, CancellationToken ct = default)
    {
        var c = _net.Space.Coefficients;
        ClearCorrection();
        for (int l = 0; l < _layers.Length; l++)
        {
            using var scope = NewDisposeScope();
            var moments = Observe([_layers[l]], train, batches, ct)[_layers[l]];
            Tensor mean = zeros_like(moments.Mean()), std = zeros_like(mean);
            for (int k = 0; k < c.Count; k++)
            {
                mean.add_(_controls[k][l].Mean, c[k]);
                std.add_(_controls[k][l].Std, c[k]);
            }
            var scale = std / moments.Std();
            var shift = mean - scale * moments.Mean();
            var device = _net.Space.Device;
            _correction[_layers[l]] = (scale.to_type(ScalarType.Float32).to(device).DetachFromDisposeScope(),
                shift.to_type(ScalarType.Float32).to(device).DetachFromDisposeScope());
            moments.Dispose();
        }
    }

    /// <summary>One eval-mode pass with the corrections known so far, collecting the moments of <paramref name="layers"/>' raw outputs.</summary>
    private Dictionary<string, UnitMoments> Observe(IEnumerable<string> layers, IBatchSource train, int? batches, CancellationToken ct)
    {
        var groups = NetworkPermutation.Groups(_net).ToDictionary(g => g.Name, g => g.Size, StringComparer.Ordinal);
        _observing = layers.ToDictionary(l => l, l => new UnitMoments(groups[l]), StringComparer.Ordinal);
        bool wasTraining = _net.Training;
        _net.Training = false;
        try
        {
            train.ForEachInput(batches, x => _net.Forward(x), ct);
            return _observing;
        }
        finally
        {
            _observing = null;
            _net.Training = wasTraining;
        }
    }

    /// <summary>The network's <see cref="Network.LayerOutput"/>: observes a raw output, or corrects it.</summary>
    private Tensor Correct(string layer, Tensor y)
    {
        if (_observing is not null && _observing.TryGetValue(layer, out var m))
        {
            m.Add(UnitMoments.Samples(y));
            return y;
        }
        if (!_correction.TryGetValue(layer, out var c)) return y;
        var shape = Enumerable.Repeat(1L, (int)y.dim()).ToArray();
        shape[1] = y.shape[1]; // units are axis 1 of a linear layer's [B, C] and a convolution's [B, C, H, W]
        return y.mul(c.Scale.view(shape)).add_(c.Shift.view(shape));
    }

    private void ClearCorrection()
    {
        foreach (var (scale, shift) in _correction.Values)
        {
            scale.Dispose();
            shift.Dispose();
        }
        _correction.Clear();
    }

    public void Dispose()
    {
        if (_net.LayerOutput == Correct) _net.LayerOutput = null;
        ClearCorrection();
        foreach (var layer in _controls)
            foreach (var (mean, std) in layer ?? [])
            {
                mean.Dispose();
                std.Dispose();
            }
    }
}
