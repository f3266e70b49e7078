using System.Numerics;
using System.Runtime.InteropServices;

namespace Isthmus.Platform;

/// <summary>
/// The element-wise passes of a training step, each fused into ONE pass over float32 CPU buffers: moving a space's
/// point (Σ_k c_k·θ_k), handing the point's gradient to the control points, and the SGD update. With libtorch every
/// term is a separate kernel that streams the whole parameter vector through memory again (a curve step made ~24
/// passes where a fused one makes ~11; docs/performance.md). The buffers are worked through in chunks small enough to stay in
/// cache while every term is applied, on torch's thread count.
/// </summary>
/// <remarks>
/// Callers check <see cref="Supports"/> and fall back to torch operations elsewhere (CUDA, other dtypes, strided
/// views). The arithmetic is that of the torch operations it replaces (d = g + wd·w; b = μ·b + d; w = w − lr·b),
/// with fused multiply-adds, so results agree with them to rounding; it is deterministic, so resumed runs stay
/// bitwise identical to uninterrupted ones.
/// </remarks>
internal static unsafe class FusedKernels
{
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    /// <summary>Floats per chunk: a few 64 KB streams per chunk fit in L2 on any current CPU.</summary>
    private const int Chunk = 16384;

    /// <summary>Below this many elements a pass runs on the calling thread (the fork costs more than it saves).</summary>
    private const long ParallelThreshold = 1 << 18;

    /// <summary>
    /// Off when the environment sets <c>ISTHMUS_FUSED=0</c>: every pass then runs as torch operations (to compare the
    /// two, or to rule the kernels out when hunting a numerical difference).
    /// </summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("ISTHMUS_FUSED") != "0";

    /// <summary>Whether <paramref name="t"/> is a dense float32 tensor in CPU memory (what these kernels read and write).</summary>
    public static bool Supports(Tensor t) => Enabled &&
        t.device_type == TorchSharp.DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous();

    internal static float* Data(Tensor t) => (float*)THSTensor_data(t.Handle);

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, n) in chunks, on up to torch's thread count.</summary>
    private static void Chunks(long n, Action<long, long> body)
    {
        int threads = get_num_threads();
        if (threads <= 1 || n < ParallelThreshold)
        {
            for (long s = 0; s < n; s += Chunk) body(s, Math.Min(n, s + Chunk));
            return;
        }
        // One contiguous share per thread (each walked in chunks): every thread streams its own range of memory.
        long share = (n + threads - 1) / threads;
        share = (share + Chunk - 1) / Chunk * Chunk;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            long end = Math.Min(n, (t + 1) * share);
            for (long s = t * share; s < end; s += Chunk) body(s, Math.Min(end, s + Chunk));
        });
    }

    /// <summary>
    /// <paramref name="target"/> = Σ_k c_k·rows_k over the rows whose coefficient is not zero, in order: the first term
    /// scaled (copied when its coefficient is 1), then one multiply-add per further term; zero when every coefficient is.
    /// </summary>
    public static void Combine(Tensor target, IReadOnlyList<Tensor> rows, IReadOnlyList<double> coefficients)
    {
        nint t = (nint)Data(target);
        var (ps, cs) = Terms(rows, coefficients);
        Chunks(target.numel(), (s, e) => CombineChunk((float*)t, ps, cs, s, e));
    }

    /// <summary>The rows of a combination whose coefficient is not zero, as data pointers, with their coefficients in float32.</summary>
    private static (nint[] Rows, float[] Coefficients) Terms(IReadOnlyList<Tensor> rows, IReadOnlyList<double> coefficients)
    {
        var pointers = new List<nint>(rows.Count);
        var scales = new List<float>(rows.Count);
        for (int k = 0; k < rows.Count; k++)
        {
            if (coefficients[k] == 0.0) continue;
            pointers.Add((nint)Data(rows[k]));
            scales.Add((float)coefficients[k]);
        }
        return (pointers.ToArray(), scales.ToArray());
    }

    private static void CombineChunk(float* t, nint[] rows, float[] c, long s, long e)
    {
        int w = Vector<float>.Count;
        if (rows.Length == 0)
        {
            new Span<float>(t + s, (int)(e - s)).Clear();
            return;
        }
        float* r0 = (float*)rows[0];
        if (c[0] == 1f) new ReadOnlySpan<float>(r0 + s, (int)(e - s)).CopyTo(new Span<float>(t + s, (int)(e - s)));
        else
        {
            var v0 = new Vector<float>(c[0]);
            long i = s;
            for (; i + w <= e; i += w) Vector.Store(Vector.Load(r0 + i) * v0, t + i);
            for (; i < e; i++) t[i] = r0[i] * c[0];
        }
        for (int k = 1; k < rows.Length; k++)
        {
            float* r = (float*)rows[k];
            var vk = new Vector<float>(c[k]);
            long i = s;
            for (; i + w <= e; i += w) Vector.Store(Vector.FusedMultiplyAdd(Vector.Load(r + i), vk, Vector.Load(t + i)), t + i);
            for (; i < e; i++) t[i] = MathF.FusedMultiplyAdd(r[i], c[k], t[i]);
        }
    }

    /// <summary>
    /// For a point's gradient g and the point w: grads_k = c_k·(g + wd·w) for every given control gradient (g itself is
    /// left holding g + wd·w).
    /// </summary>
    public static void DistributeGradient(Tensor pointGrad, Tensor point, double weightDecay, IReadOnlyList<Tensor> grads, IReadOnlyList<double> coefficients)
    {
        long n = pointGrad.numel();
        nint g = (nint)Data(pointGrad), x = (nint)Data(point);
        var ps = grads.Select(t => (nint)Data(t)).ToArray();
        var cs = coefficients.Select(c => (float)c).ToArray();
        float wd = (float)weightDecay;
        Chunks(n, (s, e) => DistributeChunk((float*)g, (float*)x, wd, ps, cs, s, e));
    }

    private static void DistributeChunk(float* g, float* x, float wd, nint[] grads, float[] c, long s, long e)
    {
        int w = Vector<float>.Count;
        var vwd = new Vector<float>(wd);
        if (wd != 0f)
        {
            long j = s;
            for (; j + w <= e; j += w) Vector.Store(Vector.FusedMultiplyAdd(Vector.Load(x + j), vwd, Vector.Load(g + j)), g + j);
            for (; j < e; j++) g[j] = MathF.FusedMultiplyAdd(x[j], wd, g[j]);
        }
        for (int k = 0; k < grads.Length; k++)
        {
            float* gk = (float*)grads[k];
            var vk = new Vector<float>(c[k]);
            long i = s;
            for (; i + w <= e; i += w) Vector.Store(Vector.Load(g + i) * vk, gk + i);
            for (; i < e; i++) gk[i] = g[i] * c[k];
        }
    }

    /// <summary>
    /// One SGD step on one tensor, as <c>torch.optim.SGD</c> (dampening 0, no Nesterov): d = s·ĝ + wd·w;
    /// b = μ·b + d (b = d when <paramref name="firstStep"/>); w = w − lr·b (w = w − lr·d without momentum).
    /// ĝ is <paramref name="grad"/>, or, for a control point stepped straight from its space's point, g + pd·x with
    /// x the <paramref name="point"/> and pd its weight decay (the chain rule of W = Σ c_k·θ_k, s = c_k).
    /// <paramref name="buffer"/> may be null only when μ = 0.
    /// </summary>
    public static void SgdStep(Tensor weight, Tensor grad, Tensor? buffer, double rate, double momentum, double weightDecay, bool firstStep,
        double gradScale = 1.0, Tensor? point = null, double pointDecay = 0.0)
    {
        long n = weight.numel();
        nint w = (nint)Data(weight), g = (nint)Data(grad), b = buffer is null ? 0 : (nint)Data(buffer), x = point is null ? 0 : (nint)Data(point);
        var k = new SgdConstants((float)-rate, (float)momentum, (float)weightDecay, (float)gradScale, (float)pointDecay);
        Chunks(n, (s, e) => SgdChunk((float*)w, (float*)g, (float*)b, (float*)x, k, firstStep, s, e));
    }

    /// <summary>One trainable control tensor of a space's parameter and its SGD momentum buffer (null without momentum).</summary>
    public readonly record struct ControlStep(Tensor Weight, Tensor? Buffer, bool FirstStep, double Coefficient);

    /// <summary>
    /// One parameter of a space with several control points, in one pass: every trainable control tensor takes its SGD
    /// step from the point's gradient g (as <see cref="SgdStep"/> with s = c_k, x = the point), and then, when
    /// <paramref name="next"/> is given, the point is moved to Σ_k c'_k·θ_k with the updated control tensors (as
    /// <see cref="Combine"/>), while every stream is still in cache.
    /// </summary>
    public static void StepControls(Tensor pointGrad, Tensor point, double pointDecay, IReadOnlyList<ControlStep> steps, double rate, double momentum,
        double weightDecay, IReadOnlyList<Tensor>? controls = null, IReadOnlyList<double>? next = null)
    {
        long n = point.numel();
        nint g = (nint)Data(pointGrad), x = (nint)Data(point);
        var weights = steps.Select(c => (nint)Data(c.Weight)).ToArray();
        var buffers = steps.Select(c => c.Buffer is null ? 0 : (nint)Data(c.Buffer)).ToArray();
        var first = steps.Select(c => c.FirstStep).ToArray();
        var constants = steps.Select(c => new SgdConstants((float)-rate, (float)momentum, (float)weightDecay, (float)c.Coefficient, (float)pointDecay)).ToArray();
        var (ps, cs) = next is null ? ([], []) : Terms(controls!, next);
        bool move = next is not null;
        Chunks(n, (s, e) =>
        {
            for (int j = 0; j < weights.Length; j++) SgdChunk((float*)weights[j], (float*)g, (float*)buffers[j], (float*)x, constants[j], first[j], s, e);
            if (move) CombineChunk((float*)x, ps, cs, s, e);
        });
    }

    private readonly record struct SgdConstants(float NegRate, float Momentum, float Decay, float Scale, float PointDecay);

    private static void SgdChunk(float* w, float* g, float* b, float* x, SgdConstants k, bool first, long s, long e)
    {
        int width = Vector<float>.Count;
        Vector<float> vlr = new(k.NegRate), vmu = new(k.Momentum), vwd = new(k.Decay), vs = new(k.Scale), vpd = new(k.PointDecay);
        bool plain = x == null && k.Scale == 1f;
        long i = s;
        for (; i + width <= e; i += width)
        {
            var gi = Vector.Load(g + i);
            if (!plain) gi = (x == null ? gi : Vector.FusedMultiplyAdd(Vector.Load(x + i), vpd, gi)) * vs;
            var wi = Vector.Load(w + i);
            var d = Vector.FusedMultiplyAdd(wi, vwd, gi);
            if (b != null)
            {
                if (!first) d = Vector.FusedMultiplyAdd(Vector.Load(b + i), vmu, d);
                Vector.Store(d, b + i);
            }
            Vector.Store(Vector.FusedMultiplyAdd(d, vlr, wi), w + i);
        }
        for (; i < e; i++)
        {
            float gi = g[i];
            if (!plain) gi = (x == null ? gi : MathF.FusedMultiplyAdd(x[i], k.PointDecay, gi)) * k.Scale;
            float d = MathF.FusedMultiplyAdd(w[i], k.Decay, gi);
            if (b != null)
            {
                if (!first) d = MathF.FusedMultiplyAdd(b[i], k.Momentum, d);
                b[i] = d;
            }
            w[i] = MathF.FusedMultiplyAdd(d, k.NegRate, w[i]);
        }
    }
}
