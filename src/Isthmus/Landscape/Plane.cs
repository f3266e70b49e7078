using Isthmus.Space;

namespace Isthmus.Landscape;

/// <summary>
/// The plane through three weight vectors w1, w2, w3 (docs/science.md §3, Fig. 1): u = w2 − w1,
/// v = (w3 − w1) − ⟨w3 − w1, u⟩/‖u‖²·u, and the point (x, y) ↦ w1 + x·û + y·v̂. It is itself a weight space with three
/// control points (w1, û, v̂) and coefficients (1, x, y), so a network evaluates a grid point with the same
/// <see cref="WeightSpace.MoveTo"/> as a curve point.
/// </summary>
public sealed class Plane : IDisposable
{
    private double[] _sourceX = [];  // ⟨θ_k, û⟩ for each control point θ_k of the source space
    private double[] _sourceY = [];  // ⟨θ_k, v̂⟩

    private Plane() { }

    /// <summary>Three control points: w1, û, v̂. Bind a network of the same layout to it.</summary>
    public required WeightSpace Space { get; init; }

    /// <summary>‖u‖ = ‖w2 − w1‖.</summary>
    public required double UNorm { get; init; }

    /// <summary>‖v‖: the distance of w3 from the line through w1 and w2.</summary>
    public required double VNorm { get; init; }

    /// <summary>The source coefficients of w1.</summary>
    public required IReadOnlyList<double> Origin { get; init; }

    /// <summary>Coefficients of the plane's space at (x, y): (1, x, y).</summary>
    public static double[] Coefficients(double x, double y) => [1.0, x, y];

    /// <summary>
    /// The plane through w_i = Σ_k a_ik·θ_k of <paramref name="source"/>'s control points. The source can be disposed
    /// afterwards; <see cref="Project"/> still maps any combination of its control points onto the plane.
    /// </summary>
    public static Plane Through(WeightSpace source, IReadOnlyList<double> a1, IReadOnlyList<double> a2, IReadOnlyList<double> a3)
    {
        var layout = source.Layout;
        var space = WeightSpace.CreateEmpty(layout, 3, source.Device);
        try
        {
            using var _ = no_grad();
            var u = new Tensor[layout.Count];
            var d = new Tensor[layout.Count];
            double uu = 0, du = 0, dd = 0;
            for (int p = 0; p < layout.Count; p++)
            {
                using var w1 = Combine(source, p, a1);
                space.SetControl(0, p, w1);
                using var w2 = Combine(source, p, a2);
                using var w3 = Combine(source, p, a3);
                u[p] = w2.sub(w1).DetachFromDisposeScope();
                d[p] = w3.sub(w1).DetachFromDisposeScope();
                uu += Dot(u[p], u[p]);
                du += Dot(d[p], u[p]);
                dd += Dot(d[p], d[p]);
            }
            double uNorm = Math.Sqrt(uu);
            if (!(uNorm > 0)) throw new IsthmusException("The first two points of the plane are the same weights; choose three distinct points.");
            double alpha = du / uu, vv = 0;
            for (int p = 0; p < layout.Count; p++)
            {
                d[p].add_(u[p], alpha: -alpha); // v = d − ⟨d, u⟩/‖u‖²·u
                vv += Dot(d[p], d[p]);
            }
            double vNorm = Math.Sqrt(vv);
            // float32 weights: a v shorter than 1e-5 of the spans is rounding noise, not a direction.
            if (!(vNorm > 1e-5 * Math.Max(uNorm, Math.Sqrt(dd)))) throw new IsthmusException("The three points of the plane lie on one line; choose a third point off the line through the first two.");
            for (int p = 0; p < layout.Count; p++)
            {
                using (var uh = u[p].div(uNorm)) space.SetControl(1, p, uh);
                using (var vh = d[p].div(vNorm)) space.SetControl(2, p, vh);
                u[p].Dispose();
                d[p].Dispose();
            }
            int k = source.ControlPointCount;
            var sx = new double[k];
            var sy = new double[k];
            for (int p = 0; p < layout.Count; p++)
                for (int c = 0; c < k; c++)
                {
                    sx[c] += Dot(source.Control(c, p), space.Control(1, p));
                    sy[c] += Dot(source.Control(c, p), space.Control(2, p));
                }
            space.MoveTo(Coefficients(0, 0));
            return new Plane { Space = space, UNorm = uNorm, VNorm = vNorm, Origin = a1.ToArray(), _sourceX = sx, _sourceY = sy };
        }
        catch
        {
            space.Dispose();
            throw;
        }
    }

    /// <summary>(x, y) of the orthogonal projection of Σ_k c_k·θ_k (source control points) onto the plane.</summary>
    public (double X, double Y) Project(IReadOnlyList<double> c)
    {
        if (c.Count != _sourceX.Length) throw new ArgumentException($"Expected {_sourceX.Length} source coefficients.");
        double x = 0, y = 0;
        for (int k = 0; k < c.Count; k++)
        {
            double dc = c[k] - Origin[k];
            x += dc * _sourceX[k];
            y += dc * _sourceY[k];
        }
        return (x, y);
    }

    /// <summary>
    /// Grid axes over the bounding box of <paramref name="points"/>, widened by <paramref name="margin"/> of the box's
    /// extent on every side (the reference: 21 × 21, 20 %).
    /// </summary>
    public static (double[] X, double[] Y) Grid(IEnumerable<(double X, double Y)> points, int size, double margin)
    {
        if (size < 2) throw new IsthmusException($"--grid must be at least 2 (got {size}).");
        if (margin < 0) throw new IsthmusException($"--margin must not be negative (got {margin}).");
        var list = points.ToList();
        return (Axis(list.Select(p => p.X), size, margin), Axis(list.Select(p => p.Y), size, margin));
    }

    private static double[] Axis(IEnumerable<double> values, int size, double margin)
    {
        double lo = values.Min(), hi = values.Max(), extent = hi - lo;
        lo -= margin * extent;
        hi += margin * extent;
        return Enumerable.Range(0, size).Select(i => lo + (hi - lo) * i / (size - 1)).ToArray();
    }

    private static Tensor Combine(WeightSpace source, int p, IReadOnlyList<double> a)
    {
        var w = zeros_like(source.Control(0, p)).DetachFromDisposeScope();
        for (int k = 0; k < a.Count; k++)
            if (a[k] != 0) w.add_(source.Control(k, p), alpha: a[k]);
        return w;
    }

    private static double Dot(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.detach().flatten().to_type(ScalarType.Float64).dot(b.detach().flatten().to_type(ScalarType.Float64)).item<double>();
    }

    public void Dispose() => Space.Dispose();
}
