using Isthmus.Space;
using static TorchSharp.torch;

namespace Isthmus.Nn;

/// <summary>
/// Any TorchSharp module that maps a batch to logits, as a <see cref="Network"/>: its parameters declare the layout by
/// their state-dict names and shapes, its batch-norm buffers are the network's <see cref="Network.Buffers"/>, and once
/// bound it reads the weight space's current point (curves, planes, simplices, ensembles work on it unchanged). The
/// module is adapted once, not rewritten as a curve twin.
/// </summary>
/// <remarks>
/// <para>Binding points each module parameter at the storage of the space's point tensor (<c>set_</c>), so the module
/// reads whatever point the space moved to. The gradient the module's parameter receives must reach the point tensor,
/// where the trainer and the fused curve step read it: before a forward pass that records gradients, each pair is given
/// one shared gradient buffer (zeroed if the space released the last one), into which backward accumulates.</para>
/// <para>Train and eval mode follow <see cref="Network.Training"/>. In train mode batch norm updates its statistics
/// with the module's own momentum; with <see cref="Network.BatchNormMomentum"/> = null (recalibration) it forms the
/// cumulative average (<see cref="ModuleBatchNorm"/>). Stacked evaluation is not offered: points go one at a time.</para>
/// </remarks>
public class ModuleNetwork : Network
{
    private readonly nn.Module _module;
    private readonly Func<Tensor, Tensor> _forward;
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _initial;
    private readonly Tensor?[] _gradients;
    private readonly ModuleBatchNorm[] _norms;
    private readonly string? _notReinitialisable;
    private bool? _moduleTraining;
    private readonly DataShape _data;
    private IReadOnlyList<Space.Permutations.PermutationGroup>? _groups;

    /// <param name="module">The network; Isthmus owns it from now on (disposed with this network).</param>
    /// <param name="spec">Its name and options, saved in every manifest (a registered name, or <c>torchscript</c> with its file).</param>
    /// <param name="data">The data it reads: the checks run one small batch of this shape through it.</param>
    public ModuleNetwork(nn.Module<Tensor, Tensor> module, ArchitectureSpec spec, DataShape data) : this(module, module.forward, spec, data) { }

    /// <summary>A module whose forward pass is <paramref name="forward"/> (a TorchScript module's).</summary>
    protected ModuleNetwork(nn.Module module, Func<Tensor, Tensor> forward, ArchitectureSpec spec, DataShape data) : base(spec)
    {
        if (data.InputShape.Length == 0)
            throw new IsthmusException($"{spec}: a network from outside classifies inputs and cannot read a text corpus; pass an image data set.");
        _module = module;
        _forward = forward;
        _data = data;
        var named = module.named_parameters().ToList();
        _parameters = named.Select(p => (Tensor)p.parameter).ToArray();
        _gradients = new Tensor?[_parameters.Length];
        using (no_grad()) _initial = _parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        var shapes = named.ToDictionary(p => p.name, p => p.parameter.shape);
        foreach (var (name, p) in named)
        {
            var init = ModuleInit.Rule(name, p.shape, shapes);
            if (init is null) _notReinitialisable ??= $"'{name}' [{string.Join(", ", p.shape)}]";
            Layout.Declare(name, p.shape, init ?? Init.Constant(0));
        }
        var buffers = module.named_buffers().ToList();
        foreach (var (name, b) in buffers) Buffers.Add(name, b);
        var byName = buffers.ToDictionary(b => b.name, b => b.buffer);
        _norms = buffers.Where(b => b.name.EndsWith(".running_mean", StringComparison.Ordinal) || b.name == "running_mean")
            .Select(b => b.name[..^"running_mean".Length])
            .Where(prefix => byName.ContainsKey(prefix + "running_var") && byName.ContainsKey(prefix + "num_batches_tracked"))
            .Select(prefix => new ModuleBatchNorm(prefix.TrimEnd('.'), byName[prefix + "running_mean"], byName[prefix + "running_var"], byName[prefix + "num_batches_tracked"]))
            .ToArray();
        foreach (var n in _norms) Buffers.Register(n);
        // Before the module's first forward pass: a libtorch defect in narrow convolutions (Platform.ConvolutionKernels),
        // and NNPACK switched off where it cannot start (Platform.Nnpack: no result changes; its warnings end).
        Platform.ConvolutionKernels.Guard(Layout.Specs.Where(p => p.Shape.Length == 4).Select(p => (IReadOnlyList<long>)p.Shape));
        Platform.Nnpack.SwitchOffWhereUnavailable();
        ModuleChecks.MeasureBatchNorm(module, forward, _norms, data, Describe(spec), FixAdvice);
    }

    /// <summary>
    /// Inferred where the module is a plain chain of linear, convolution and batch-norm layers (<see cref="ChainGroups"/>),
    /// checked on the bound network once; anything else is refused with one sentence.
    /// </summary>
    public override IReadOnlyList<Space.Permutations.PermutationGroup> PermutationGroups
    {
        get
        {
            if (_groups is not null) return _groups;
            var (groups, reason) = ChainGroups.Infer(Layout.Specs.Select(p => (p.Name, p.Shape)).ToList(), Buffers.All.Select(b => b.Name).ToHashSet());
            if (groups is not null)
            {
                using var input = randn([2, .. _data.InputShape], generator: new Generator(7)).to(Space.Device);
                if (!ChainGroups.Verify(this, groups, input)) reason = "relabelling its units layer by layer changed its logits, so its forward pass is more than a chain (a skip connection, or layers called in another order than declared)";
            }
            if (reason is not null)
                throw new IsthmusException($"{Describe(Spec)} cannot be aligned: its permutation groups are inferred only for a plain chain of linear, convolution and batch-norm layers, and {reason}.");
            return _groups = groups!;
        }
    }

    /// <summary>The network as messages name it: its spec (a TorchScript network: its file).</summary>
    protected virtual string Describe(ArchitectureSpec spec) => spec.ToString();

    /// <summary>What a user should do when the module's batch norm ignores train/eval mode (ends a refusal sentence).</summary>
    protected virtual string FixAdvice => "build it so that its batch-norm layers follow train() and eval()";

    /// <summary>The module itself (its parameters read the bound space's point).</summary>
    public nn.Module Module => _module;

    public override void StartFromOwnWeights(WeightSpace space)
    {
        if (Spec.Flag("reinit"))
        {
            if (_notReinitialisable is { } name)
                throw new IsthmusException($"{Describe(Spec)}: cannot re-initialise parameter {name} by PyTorch's default rules (they cover the weights and biases of linear, convolution and normalisation layers); train from the module's own weights instead (drop --reinit).");
            return;
        }
        for (int k = 0; k < space.ControlPointCount; k++)
            for (int i = 0; i < _parameters.Length; i++) space.SetControl(k, i, _initial[i]);
        space.MoveTo(space.Coefficients.ToArray());
    }

    protected override void OnBound(WeightSpace space)
    {
        if (space.Device.type != DeviceType.CPU || _parameters.Any(p => p.device_type != space.Device.type))
            _module.to(space.Device);
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            _parameters[i].set_(space.Point(i));
            _gradients[i]?.Dispose();
            _gradients[i] = null;
            _parameters[i].grad = null;
        }
    }

    public override Tensor Forward(Tensor input)
    {
        if (_moduleTraining != Training)
        {
            _module.train(Training);
            _moduleTraining = Training;
        }
        if (is_grad_enabled()) ShareGradients();
        bool cumulative = Training && BatchNormMomentum is null;
        if (cumulative)
            using (no_grad()) foreach (var n in _norms) n.BeforeCumulativeBatch();
        var y = _forward(input);
        if (cumulative)
            using (no_grad()) foreach (var n in _norms) n.AfterCumulativeBatch();
        return y;
    }

    /// <summary>
    /// Gives each module parameter and its point tensor one gradient buffer, so that backward's accumulation into the
    /// parameter's gradient is the point's gradient: the one the point already holds (one control point: the
    /// optimiser's, zeroed by the trainer), or the network's own, zeroed, when the space released it after a step.
    /// </summary>
    private void ShareGradients()
    {
        var space = Space;
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var point = space.Point(i);
            using var held = point.grad;
            if (held is not null)
            {
                _parameters[i].grad = held;
                continue;
            }
            var g = _gradients[i] ??= zeros_like(point).DetachFromDisposeScope();
            g.zero_();
            point.grad = g;
            _parameters[i].grad = g;
        }
    }

    protected override void Release()
    {
        foreach (var n in _norms) n.Dispose();
        foreach (var t in _initial) t.Dispose();
        foreach (var g in _gradients) g?.Dispose();
        _module.Dispose();
    }
}
