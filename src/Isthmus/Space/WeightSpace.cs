namespace Isthmus.Space;

/// <summary>
/// A small affine family of weight vectors: K control tensors per parameter and a current point
/// W = Σ_k c_k·θ_k (docs/architecture.md, "The weight space"). A plain network is K = 1 with c = (1); curves, simplices,
/// planes and cuts differ only in K, the coefficients and which control points are trainable.
/// </summary>
/// <remarks>
/// Layers read <see cref="Point"/>; they never own a weight. For K = 1 the point IS the control tensor
/// (no copy). For K &gt; 1 the point tensors are separate preallocated leaves: <see cref="MoveTo"/> writes the
/// combination into them in place, forward/backward run on them, and <see cref="PushGradientsToControls"/>
/// forms each trainable control tensor's gradient by hand as c_k·(∂L/∂W + wd·W) — the chain rule for a
/// linear combination, without building the combination into the autograd graph (docs/performance.md: ~1.1×
/// a plain step instead of ~1.5×).
/// </remarks>
public sealed partial class WeightSpace : IDisposable
{
    private readonly Tensor[][] _controls;   // [k][p]
    private readonly Tensor[] _point;        // [p]
    private readonly double[] _coefficients;
    private readonly bool[] _trainable;

    // K > 1: every control point is one row of a [K, N] buffer and the point is one [N] buffer; the per-parameter
    // tensors are views into them. Moving the point is then ONE matrix-vector product (W = Cᵀ·c) and forming the
    // bends' gradients ONE outer product, instead of a handful of passes per parameter (so a curve step costs about a plain one).
    private readonly Tensor? _controlFlat;      // [K, N]
    private readonly Tensor? _pointFlat;        // [N]
    private readonly Tensor? _controlGradFlat;  // [K, N], the .grad of every trainable control view
    private readonly Tensor[][]? _controlGrads; // [k][p] views of _controlGradFlat
    private readonly Tensor[]? _controlRows;    // [k] rows of _controlFlat
    private readonly bool _fused;               // CPU float32: the passes are fused kernels (Platform.FusedKernels)

    public ParameterLayout Layout { get; }
    public int ControlPointCount { get; }
    public Device Device { get; }

    /// <summary>Current coefficients c_k of the point.</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    private WeightSpace(ParameterLayout layout, int controlPoints, Device device)
    {
        if (controlPoints < 1) throw new ArgumentOutOfRangeException(nameof(controlPoints), "A weight space needs at least one control point.");
        Layout = layout;
        ControlPointCount = controlPoints;
        Device = device;
        _controls = new Tensor[controlPoints][];
        _coefficients = new double[controlPoints];
        _coefficients[0] = 1.0;
        _trainable = Enumerable.Repeat(true, controlPoints).ToArray();
        if (controlPoints == 1)
        {
            // A plain network: separate tensors, the point IS the control point (no copy).
            _controls[0] = new Tensor[layout.Count];
            for (int p = 0; p < layout.Count; p++)
            {
                var t = zeros(layout.Specs[p].Shape, ScalarType.Float32, device).DetachFromDisposeScope();
                t.requires_grad = true;
                _controls[0][p] = t;
            }
            _point = _controls[0];
            return;
        }
        long n = layout.TotalElements;
        _controlFlat = zeros([controlPoints, n], ScalarType.Float32, device).DetachFromDisposeScope();
        _pointFlat = zeros([n], ScalarType.Float32, device).DetachFromDisposeScope();
        _controlGradFlat = zeros([controlPoints, n], ScalarType.Float32, device).DetachFromDisposeScope();
        _controlGrads = new Tensor[controlPoints][];
        _controlRows = new Tensor[controlPoints];
        for (int k = 0; k < controlPoints; k++)
        {
            _controlRows[k] = _controlFlat[k].DetachFromDisposeScope();
            _controls[k] = Views(_controlRows[k], requiresGrad: true);
            using (var gradRow = _controlGradFlat[k]) _controlGrads[k] = Views(gradRow, requiresGrad: false);
            for (int p = 0; p < layout.Count; p++) _controls[k][p].grad = _controlGrads[k][p];
        }
        _fused = Platform.FusedKernels.Supports(_pointFlat);
        _point = Views(_pointFlat, requiresGrad: true);
        // The point tensors keep no gradient buffer between steps: autograd then hands each its freshly computed
        // gradient (no accumulate pass into an old buffer, no zeroing pass), and PushGradientsToControls releases it.
    }

    /// <summary>Per-parameter views, in layout order, of one flat row.</summary>
    private Tensor[] Views(Tensor flat, bool requiresGrad)
    {
        var views = new Tensor[Layout.Count];
        long offset = 0;
        for (int p = 0; p < Layout.Count; p++)
        {
            var spec = Layout.Specs[p];
            var v = flat.narrow(0, offset, spec.Numel).view(spec.Shape).DetachFromDisposeScope();
            if (requiresGrad) v.requires_grad = true;
            views[p] = v;
            offset += spec.Numel;
        }
        return views;
    }

    /// <summary>
    /// A space with <paramref name="controlPoints"/> control points, each initialised from scratch by the
    /// layout's rules with a generator seeded by <paramref name="seed"/> (control point k uses seed + k).
    /// </summary>
    public static WeightSpace Create(ParameterLayout layout, int controlPoints = 1, Device? device = null, long seed = 0)
    {
        var space = new WeightSpace(layout, controlPoints, device ?? CPU);
        for (int k = 0; k < controlPoints; k++) space.InitialiseControl(k, seed + k);
        space.MoveTo(space._coefficients);
        return space;
    }

    /// <summary>A space whose control points are all zero, to be filled from checkpoints.</summary>
    public static WeightSpace CreateEmpty(ParameterLayout layout, int controlPoints = 1, Device? device = null) =>
        new(layout, controlPoints, device ?? CPU);

    /// <summary>The tensor of parameter <paramref name="index"/> at the current point.</summary>
    public Tensor Point(int index) => _point[index];

    /// <summary>All point tensors, in layout order.</summary>
    public IReadOnlyList<Tensor> PointTensors => _point;

    /// <summary>Control tensor θ_k of parameter <paramref name="index"/>.</summary>
    public Tensor Control(int k, int index) => _controls[k][index];

    /// <summary>All tensors of control point k, in layout order.</summary>
    public IReadOnlyList<Tensor> ControlTensors(int k) => _controls[k];

    public bool IsTrainable(int k) => _trainable[k];

    /// <summary>Fixes (false) or frees (true) control point k, e.g. the endpoints of a curve.</summary>
    public void SetTrainable(int k, bool trainable)
    {
        _trainable[k] = trainable;
        for (int p = 0; p < _controls[k].Length; p++)
        {
            var t = _controls[k][p];
            t.requires_grad = trainable;
            if (_controlGrads is not null) t.grad = trainable ? _controlGrads[k][p] : null;
        }
    }

    /// <summary>The tensors an optimiser should update: every tensor of every trainable control point.</summary>
    public IEnumerable<Tensor> TrainableTensors()
    {
        for (int k = 0; k < ControlPointCount; k++)
            if (_trainable[k])
                foreach (var t in _controls[k]) yield return t;
    }

    /// <summary>Moves the point to Σ_k c_k·θ_k, in place into the preallocated point tensors.</summary>
    public void MoveTo(IReadOnlyList<double> coefficients)
    {
        CheckCount(coefficients);
        SetCoefficients(coefficients);
        if (ControlPointCount == 1)
        {
            if (coefficients[0] != 1.0)
                throw new ArgumentException("A one-control-point space has only the point c = (1).");
            return;
        }
        using var _ = no_grad();
        Combine(_pointFlat!, _coefficients);
    }

    /// <summary>CPU float32: moving the point and forming the gradients are fused kernels, so an optimiser may step the control points in the same pass (Training.FusedControlStep).</summary>
    internal bool HasFusedPasses => _fused;

    internal void CheckCount(IReadOnlyList<double> coefficients)
    {
        if (coefficients.Count != ControlPointCount)
            throw new ArgumentException($"Expected {ControlPointCount} coefficients, got {coefficients.Count}.");
    }

    /// <summary>Records <paramref name="coefficients"/> as the one current point after a fused pass wrote its weights (Training.FusedControlStep).</summary>
    internal void MovedTo(IReadOnlyList<double> coefficients) => SetCoefficients(coefficients);

    /// <summary>Records <paramref name="coefficients"/> as the one current point (the weights are written by the caller).</summary>
    private void SetCoefficients(IReadOnlyList<double> coefficients)
    {
        for (int k = 0; k < ControlPointCount; k++) _coefficients[k] = coefficients[k];
        Stacked = 0;
    }

    /// <summary>
    /// <paramref name="target"/> = Σ_k c_k·θ_k, in place, over the control points whose coefficient is not zero: the
    /// first term scaled (a plain copy when its coefficient is 1, so an endpoint or a polychain bend is bitwise its
    /// control point), then one multiply-add per further term. On the CPU this is ONE fused pass over the buffers
    /// (<see cref="Platform.FusedKernels"/>); elsewhere one torch operation per term.
    /// </summary>
    private void Combine(Tensor target, IReadOnlyList<double> c)
    {
        if (_fused)
        {
            Platform.FusedKernels.Combine(target, _controlRows!, c);
            return;
        }
        bool started = false;
        for (int k = 0; k < ControlPointCount; k++)
        {
            double ck = c[k];
            if (ck == 0.0) continue;
            var row = _controlRows![k];
            if (!started)
            {
                target.copy_(row);
                if (ck != 1.0) target.mul_((float)ck);
                started = true;
            }
            else target.add_(row, (float)ck);
        }
        if (!started) target.zero_();
    }

    /// <summary>‖W‖² of the current point (a 0-d tensor; no host synchronisation).</summary>
    public Tensor SquaredNorm()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Tensor total = zeros(Array.Empty<long>(), ScalarType.Float32, Device);
        foreach (var w in _point) total.add_(w.square().sum());
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>A new two-point space holding copies of control points <paramref name="from"/> and <paramref name="to"/>: the segment between them.</summary>
    public WeightSpace SegmentBetween(int from, int to)
    {
        var line = CreateEmpty(Layout, 2, Device);
        for (int p = 0; p < Layout.Count; p++)
        {
            line.SetControl(0, p, _controls[from][p]);
            line.SetControl(1, p, _controls[to][p]);
        }
        return line;
    }

    /// <summary>Copies <paramref name="source"/> into control tensor θ_k of parameter <paramref name="index"/>.</summary>
    public void SetControl(int k, int index, Tensor source)
    {
        var target = _controls[k][index];
        if (!target.shape.SequenceEqual(source.shape))
            throw new IsthmusException($"Parameter '{Layout.Specs[index].Name}' has shape {Layout.Specs[index].ShapeText}, but the checkpoint holds [{string.Join(", ", source.shape)}]; the checkpoint is of a different architecture or width.");
        using var _ = no_grad();
        target.copy_(source);
    }

    private void InitialiseControl(int k, long seed)
    {
        using var gen = new Generator((ulong)seed, Device);
        using var _ = no_grad();
        for (int p = 0; p < Layout.Count; p++)
        {
            var spec = Layout.Specs[p];
            var t = _controls[k][p];
            switch (spec.Init.Kind)
            {
                case InitKind.Uniform: t.uniform_(-spec.Init.Value, spec.Init.Value, gen); break;
                case InitKind.Normal: t.normal_(0, spec.Init.Value, gen); break;
                case InitKind.Constant: t.fill_(spec.Init.Value); break;
            }
        }
    }

    public void Dispose()
    {
        DisposeStack();
        if (_controlStacks is not null) foreach (var t in _controlStacks) t.Dispose();
        foreach (var row in _controls) foreach (var t in row) t.Dispose();
        if (ControlPointCount == 1) return;
        foreach (var t in _point) t.Dispose();
        foreach (var row in _controlGrads!) foreach (var t in row) t.Dispose();
        foreach (var t in _controlRows!) t.Dispose();
        _controlFlat!.Dispose();
        _pointFlat!.Dispose();
        _controlGradFlat!.Dispose();
    }
}
