using Isthmus.Space;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn;

/// <summary>
/// One definition of an architecture. It declares its parameters into <see cref="Layout"/> while it is built
/// and reads them from whatever <see cref="WeightSpace"/> it is bound to: a plain network, a curve, a plane,
/// a simplex or a random cut all use the same class. Buffers (batch-norm running statistics) belong to the
/// evaluated point, not to the space.
/// </summary>
public abstract class Network : IDisposable
{
    private WeightSpace? _space;

    protected Network(ArchitectureSpec spec)
    {
        Spec = spec;
        Builder = new LayerBuilder(this);
    }

    /// <summary>The architecture name and options; enough to rebuild this network.</summary>
    public ArchitectureSpec Spec { get; }

    public ParameterLayout Layout { get; } = new();

    /// <summary>Batch-norm running statistics of the current point, by PyTorch name.</summary>
    public BufferSet Buffers { get; } = new();

    /// <summary>Train mode (batch statistics, dropout) or eval mode, as PyTorch's <c>train()</c>/<c>eval()</c>.</summary>
    public bool Training { get; set; }

    /// <summary>
    /// Momentum of batch-norm running statistics in train mode; <c>null</c> means a cumulative average
    /// (PyTorch's <c>momentum=None</c>), which is how statistics are recomputed for an evaluated point.
    /// </summary>
    public double? BatchNormMomentum { get; set; } = 0.1;

    /// <summary>
    /// Mixed precision (<see cref="Platform.Precision"/>): when set, linear layers and convolutions cast their input and
    /// weights to this type, as PyTorch's autocast does; null = float32 throughout. The trainer sets it for its steps only.
    /// </summary>
    public ScalarType? Autocast { get; set; }

    /// <summary>
    /// For layers: <paramref name="t"/> in the <see cref="Autocast"/> type, if one is set; in float32 instead when
    /// <paramref name="keepFloat32"/> (a product the platform does not compute soundly in bf16, see
    /// <see cref="Platform.Precision.Bf16ConvolutionIsSound"/>).
    /// </summary>
    internal Tensor CastForProduct(Tensor t, bool keepFloat32 = false)
    {
        if (Autocast is not { } type) return t;
        var target = keepFloat32 ? ScalarType.Float32 : type;
        return t.dtype == target ? t : t.to_type(target);
    }

    /// <summary>Used by subclasses while they declare layers.</summary>
    protected LayerBuilder Builder { get; }

    public WeightSpace Space => _space ?? throw new InvalidOperationException("Bind the network to a weight space before running it.");

    public bool IsBound => _space is not null;

    /// <summary>Attaches the network to a weight space built from its own layout.</summary>
    public void Bind(WeightSpace space)
    {
        if (!ReferenceEquals(space.Layout, Layout))
            throw new ArgumentException("The weight space was built for another network's layout.");
        _space = space;
        OnBound(space);
    }

    /// <summary>Called when the network is bound to <paramref name="space"/> (networks from outside point their module at it).</summary>
    protected virtual void OnBound(WeightSpace space) { }

    /// <summary>
    /// Writes the weights the architecture comes with (a TorchScript file's own) into every control point of
    /// <paramref name="space"/>, unless its spec asks to re-initialise them; the zoo's architectures come with none and
    /// keep the layout's initialisation.
    /// </summary>
    public virtual void StartFromOwnWeights(WeightSpace space) { }

    /// <summary>Logits for a batch: [B, classes], or [P, B, classes] with P points stacked (see <see cref="EvaluatesStackedPoints"/>).</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>
    /// True if <see cref="Forward"/> evaluates P points stacked in its space (<see cref="WeightSpace.MoveToStack"/>) in
    /// one pass: every layer reads the [P, …] weights and nothing mixes the points. Architectures built only of
    /// <c>Linear</c> layers and element-wise functions can; the default is false, and evaluators then go one point
    /// at a time.
    /// </summary>
    public virtual bool EvaluatesStackedPoints => false;

    /// <summary>
    /// Convolutional features [B, C, …] as the input of the fully connected part: [B, C·…] for one point, and for P
    /// stacked points (activations [B, P·C, …], see <c>Layers.Conv2d</c>) [P, B, C·…], each point's features flattened
    /// in the order one point's are.
    /// </summary>
    protected Tensor Features(Tensor x)
    {
        int p = _space?.Stacked ?? 0;
        return p == 0 ? x.flatten(1) : x.reshape(x.shape[0], p, -1).transpose(0, 1);
    }

    /// <summary>
    /// Off when the environment sets <c>ISTHMUS_CHANNELS_LAST=0</c>: images then stay in the plain NCHW layout (to
    /// compare the two, or to rule the layout out when hunting a numerical difference).
    /// </summary>
    public static bool ChannelsLastEnabled { get; internal set; } = Environment.GetEnvironmentVariable("ISTHMUS_CHANNELS_LAST") != "0";

    /// <summary>
    /// Whether this architecture's training steps (autograd on) read images stored channels-last; passes without
    /// autograd (evaluation, batch-norm recalibration) always do on the CPU. False where training measured slower.
    /// </summary>
    protected virtual bool TrainsChannelsLast => true;

    /// <summary>
    /// For convolutional networks, the input images [B, C, H, W] stored channels-last (NHWC in memory, the same tensor
    /// to every operation) on the CPU. libtorch's oneDNN convolutions then read and write that layout directly, and
    /// the layout carries through batch norm, ReLU, pooling and residual sums; in NCHW every convolution reorders its
    /// input into channel blocks and its output back, which measured more time than the convolutions themselves in
    /// PreResNet-164's evaluation (docs/performance.md). Single-channel images stay as they are: their layouts coincide,
    /// so libtorch does not carry channels-last on from them (and converting after the first convolution measured no
    /// gain). A new tensor when it converts; <paramref name="images"/> otherwise.
    /// </summary>
    protected Tensor ImagesIn(Tensor images) =>
        ChannelsLastEnabled && images.dim() == 4 && images.device_type == DeviceType.CPU && images.shape[1] > 1
        && (TrainsChannelsLast || !is_grad_enabled())
            ? images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
            : images;

    private (long[] Shape, int Stacked, long Elements)? _widest;

    /// <summary>
    /// Elements per example of the largest activation a stage of the network hands to the next (<see cref="Stage"/>):
    /// evaluation keeps about a stage's activations at a time, so this sizes its batches
    /// (<c>Evaluation.EvaluationBatch</c>). Measured once per input shape by an eval-mode pass over the first example of
    /// <paramref name="batch"/>; 0 for networks that are not built of stages (their activations are small).
    /// </summary>
    public long WidestActivation(Tensor batch)
    {
        long[] shape = batch.shape[1..];
        int stacked = _space?.Stacked ?? 0;
        if (_widest is { } known && known.Shape.SequenceEqual(shape) && known.Stacked == stacked) return known.Elements;
        bool wasTraining = Training;
        Training = false;
        try
        {
            using var _ = inference_mode();
            using var scope = NewDisposeScope();
            long widest = Stage.Widest(() => Forward(batch.narrow(0, 0, 1)));
            _widest = (shape, stacked, widest);
            return widest;
        }
        finally { Training = wasTraining; }
    }

    /// <summary>
    /// The hidden units a permutation may relabel without changing the function (Ainsworth et al. 2022, §2), one group
    /// per permutation; null where the architecture declares none (alignment then refuses it).
    /// </summary>
    public virtual IReadOnlyList<PermutationGroup>? PermutationGroups => null;

    /// <summary>
    /// Sees, and may replace, the output of every linear layer and convolution (a unit's pre-activation) in a one-point
    /// forward pass, with the layer's name: activation matching (Ainsworth et al. 2022, §3.1) reads hidden units
    /// through it and REPAIR (Jordan et al. 2022, §4) rescales them. Null: outputs pass unchanged. The tensor it is
    /// given may be changed in place by the next layer, so it must copy what it keeps.
    /// </summary>
    public Func<string, Tensor, Tensor>? LayerOutput { get; set; }

    /// <summary>For layers: <paramref name="output"/> as <see cref="LayerOutput"/> leaves it.</summary>
    internal Tensor Tap(string layer, Tensor output) => LayerOutput is { } f ? f(layer, output) : output;

    /// <summary>Clears recurrent state between sequences (language models); nothing for feed-forward networks.</summary>
    public virtual void ResetState() { }

    /// <summary>Detaches recurrent state from the graph between truncated-BPTT chunks.</summary>
    public virtual void DetachState() { }

    /// <summary>Resets every batch-norm layer's running statistics (before recomputing them for a point).</summary>
    public void ResetBatchNormStatistics() => Buffers.ResetStatistics();

    /// <summary>True if the architecture has batch normalisation.</summary>
    public bool HasBatchNorm => Buffers.Count > 0;

    /// <summary>Releases what a subclass holds besides the buffers (a module from outside).</summary>
    protected virtual void Release() { }

    public void Dispose()
    {
        Buffers.Dispose();
        Release();
        GC.SuppressFinalize(this);
    }
}
