namespace Isthmus.Training;

/// <summary>
/// SGD with momentum and weight decay, exactly PyTorch's <c>torch.optim.SGD</c> (dampening 0, no Nesterov):
/// d = g + wd·w; b = μ·b + d (b = d on the first step); w −= lr·b. Written here so that its state (the momentum
/// buffers) can be saved and restored for an exact resume, and every update is in place.
/// </summary>
public sealed class Sgd : IDisposable
{
    private readonly Tensor[] _parameters;
    private readonly Tensor?[] _buffers;
    private readonly bool[] _fused;
    private readonly Dictionary<Tensor, int> _index;

    public double Momentum { get; }
    public double WeightDecay { get; }

    public Sgd(IEnumerable<Tensor> parameters, double momentum, double weightDecay)
    {
        _parameters = parameters.ToArray();
        _buffers = new Tensor?[_parameters.Length];
        _fused = _parameters.Select(Platform.FusedKernels.Supports).ToArray();
        _index = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _parameters.Length; i++) _index[_parameters[i]] = i;
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>
    /// One step at <paramref name="rate"/> on every parameter that has a gradient. With
    /// <paramref name="releaseGradients"/> the gradients are dropped afterwards (PyTorch's <c>zero_grad(set_to_none=True)</c>):
    /// the next backward pass then hands each parameter its new gradient as it is, instead of adding it into a zeroed
    /// buffer — two passes over the weights fewer per step. Dense float32 CPU tensors take one fused pass each
    /// (<see cref="Platform.FusedKernels.SgdStep"/>); others the torch operations.
    /// </summary>
    public void Step(double rate, bool releaseGradients = false)
    {
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var w = _parameters[i];
            using var g = w.grad;
            if (g is null) continue;
            Update(i, w, g, rate);
            if (releaseGradients) w.grad = null;
        }
    }

    /// <summary>Whether <paramref name="parameter"/> is one of this optimiser's and can take a fused step from its space's point.</summary>
    public bool CanStepFromPoint(Tensor parameter) => _index.TryGetValue(parameter, out int i) && Fusable(i);

    /// <summary>Whether parameter <paramref name="i"/> and its momentum buffer (if any yet) suit the fused kernels.</summary>
    private bool Fusable(int i) => _fused[i] && (_buffers[i] is not { } held || Platform.FusedKernels.Supports(held));

    /// <summary>Parameter <paramref name="i"/>'s momentum buffer for a fused step, created uninitialised on the first one (the kernel then writes b = d).</summary>
    private Tensor? FusedBuffer(int i, out bool first)
    {
        first = Momentum != 0 && _buffers[i] is null;
        if (first) _buffers[i] = empty_like(_parameters[i]).DetachFromDisposeScope();
        return _buffers[i];
    }

    /// <summary>
    /// The momentum buffer of <paramref name="parameter"/> for a fused step outside <see cref="Step"/>
    /// (<see cref="Platform.FusedKernels.StepControls"/>): null without momentum; created, uninitialised, on the first
    /// step, which <paramref name="first"/> reports (the kernel then writes b = d). Only for parameters with
    /// <see cref="CanStepFromPoint"/>.
    /// </summary>
    internal Tensor? BufferForFusedStep(Tensor parameter, out bool first) => FusedBuffer(_index[parameter], out first);

    private void Update(int i, Tensor w, Tensor g, double rate)
    {
        if (Fusable(i) && Platform.FusedKernels.Supports(g))
        {
            var buffer = FusedBuffer(i, out bool first);
            Platform.FusedKernels.SgdStep(w, g, buffer, rate, Momentum, WeightDecay, first);
            return;
        }
        if (WeightDecay != 0) g.add_(w, alpha: WeightDecay);
        if (Momentum != 0)
        {
            var b = _buffers[i];
            if (b is null) _buffers[i] = b = g.clone().DetachFromDisposeScope();
            else b.mul_(Momentum).add_(g);
            w.add_(b, alpha: -rate);
        }
        else
        {
            w.add_(g, alpha: -rate);
        }
    }

    public void ZeroGrad()
    {
        foreach (var w in _parameters) w.grad?.zero_();
    }

    /// <summary>Momentum buffers by parameter position (absent before the first step).</summary>
    public IEnumerable<(int Index, Tensor Buffer)> State()
    {
        for (int i = 0; i < _buffers.Length; i++)
            if (_buffers[i] is { } b) yield return (i, b);
    }

    public void Restore(int index, Tensor buffer)
    {
        _buffers[index]?.Dispose();
        _buffers[index] = buffer.clone().DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var b in _buffers) b?.Dispose();
    }
}
