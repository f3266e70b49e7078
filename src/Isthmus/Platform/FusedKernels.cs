using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Isthmus.Platform;

/// <summary>
/// The element-wise passes of a training step, each fused into ONE pass over float32 CPU buffers: moving a space's
/// point (Σ_k c_k·θ_k), handing the point's gradient to the control points, and the SGD update. With libtorch every
/// term is a separate kernel that streams the whole parameter vector through memory again (a curve step made ~24
/// passes where a fused one makes ~11; issue 7). The buffers are worked through in chunks small enough to stay in
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

    private static float* Data(Tensor t) => (float*)THSTensor_data(t.Handle);

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, n) in chunks, on up to torch's thread count.</summary>
    private static void Chunks(long n, Action<long, long> body)
    {
        int threads = get_num_threads();
        if (threads <= 1 || n < ParallelThreshold)
        {
            for (long s = 0; s < n; s += Chunk) body(s, Math.Min(n, s + Chunk));
            return;
        }
        long chunks = (n + Chunk - 1) / Chunk;
        Parallel.For(0L, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            long s = c * Chunk;
            body(s, Math.Min(n, s + Chunk));
        });
    }

    /// <summary>
    /// <paramref name="target"/> = Σ_k c_k·rows_k over the rows whose coefficient is not zero, in order: the first term
    /// scaled (copied when its coefficient is 1), then one multiply-add per further term; zero when every coefficient is.
    /// </summary>
    public static void Combine(Tensor target, IReadOnlyList<Tensor> rows, IReadOnlyList<double> coefficients)
    {
        long n = target.numel();
        var pointers = new List<nint>(rows.Count);
        var scales = new List<float>(rows.Count);
        for (int k = 0; k < rows.Count; k++)
        {
            if (coefficients[k] == 0.0) continue;
            pointers.Add((nint)Data(rows[k]));
            scales.Add((float)coefficients[k]);
        }
        nint t = (nint)Data(target);
        var ps = pointers.ToArray();
        var cs = scales.ToArray();
        Chunks(n, (s, e) => CombineChunk((float*)t, ps, cs, s, e));
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
    /// One SGD step on one tensor, as <c>torch.optim.SGD</c> (dampening 0, no Nesterov): d = g + wd·w;
    /// b = μ·b + d (b = d when <paramref name="firstStep"/>); w = w − lr·b (w = w − lr·d without momentum);
    /// <paramref name="buffer"/> may be null only when μ = 0.
    /// </summary>
    public static void SgdStep(Tensor weight, Tensor grad, Tensor? buffer, double rate, double momentum, double weightDecay, bool firstStep)
    {
        long n = weight.numel();
        nint w = (nint)Data(weight), g = (nint)Data(grad), b = buffer is null ? 0 : (nint)Data(buffer);
        float lr = (float)-rate, mu = (float)momentum, wd = (float)weightDecay;
        Chunks(n, (s, e) => SgdChunk((float*)w, (float*)g, (float*)b, lr, mu, wd, firstStep, s, e));
    }

    private static void SgdChunk(float* w, float* g, float* b, float negRate, float mu, float wd, bool first, long s, long e)
    {
        int width = Vector<float>.Count;
        Vector<float> vlr = new(negRate), vmu = new(mu), vwd = new(wd);
        long i = s;
        if (b == null)
        {
            for (; i + width <= e; i += width)
            {
                var d = Vector.FusedMultiplyAdd(Vector.Load(w + i), vwd, Vector.Load(g + i));
                Vector.Store(Vector.FusedMultiplyAdd(d, vlr, Vector.Load(w + i)), w + i);
            }
            for (; i < e; i++) w[i] = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(w[i], wd, g[i]), negRate, w[i]);
        }
        else if (first)
        {
            for (; i + width <= e; i += width)
            {
                var d = Vector.FusedMultiplyAdd(Vector.Load(w + i), vwd, Vector.Load(g + i));
                Vector.Store(d, b + i);
                Vector.Store(Vector.FusedMultiplyAdd(d, vlr, Vector.Load(w + i)), w + i);
            }
            for (; i < e; i++)
            {
                float d = MathF.FusedMultiplyAdd(w[i], wd, g[i]);
                b[i] = d;
                w[i] = MathF.FusedMultiplyAdd(d, negRate, w[i]);
            }
        }
        else
        {
            for (; i + width <= e; i += width)
            {
                var d = Vector.FusedMultiplyAdd(Vector.Load(w + i), vwd, Vector.Load(g + i));
                var m = Vector.FusedMultiplyAdd(Vector.Load(b + i), vmu, d);
                Vector.Store(m, b + i);
                Vector.Store(Vector.FusedMultiplyAdd(m, vlr, Vector.Load(w + i)), w + i);
            }
            for (; i < e; i++)
            {
                float d = MathF.FusedMultiplyAdd(w[i], wd, g[i]);
                float m = MathF.FusedMultiplyAdd(b[i], mu, d);
                b[i] = m;
                w[i] = MathF.FusedMultiplyAdd(m, negRate, w[i]);
            }
        }
    }
}
