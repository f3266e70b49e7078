namespace Isthmus.Space;

/// <summary>
/// A family of curves φ(t) = Σ_k c_k(t)·w_k over control points w_0 = start endpoint, w_1..w_n = bends,
/// w_{n+1} = end endpoint (docs/science.md §1). A curve is a <see cref="WeightSpace"/> with n + 2 control points whose
/// coefficients come from here.
/// </summary>
public abstract class CurveFamily
{
    protected CurveFamily(int bends)
    {
        if (bends < 0) throw new IsthmusException($"--bends must not be negative (got {bends}).");
        Bends = bends;
    }

    /// <summary>Number of bends n (trainable control points between the endpoints).</summary>
    public int Bends { get; }

    /// <summary>n + 2.</summary>
    public int ControlPoints => Bends + 2;

    /// <summary>Name as on the command line: bezier, polychain, segment.</summary>
    public abstract string Name { get; }

    /// <summary>Writes c_0(t) … c_{n+1}(t) into <paramref name="c"/> (length n + 2; no allocation in the training loop).</summary>
    public abstract void Coefficients(double t, Span<double> c);

    public double[] Coefficients(double t)
    {
        var c = new double[ControlPoints];
        Coefficients(t, c);
        return c;
    }

    /// <summary>The t at which bend k (1..n) sits for linear initialisation: k/(n+1).</summary>
    public double BendTime(int k) => (double)k / (Bends + 1);

    public static readonly IReadOnlyList<string> Names = ["bezier", "polychain", "segment"];

    public static CurveFamily Create(string name, int bends) => name switch
    {
        "bezier" => new Bezier(bends),
        "polychain" => new PolyChain(bends),
        "segment" => new Segment(),
        _ => throw new IsthmusException($"Unknown curve '{name}'; choose one of: {string.Join(", ", Names)}."),
    };
}

/// <summary>Bezier curve of degree n + 1: c_k(t) = C(n+1, k)·t^k·(1−t)^(n+1−k).</summary>
public sealed class Bezier(int bends) : CurveFamily(bends)
{
    public override string Name => "bezier";

    public override void Coefficients(double t, Span<double> c)
    {
        int degree = Bends + 1;
        double binomial = 1;
        for (int k = 0; k <= degree; k++)
        {
            c[k] = binomial * Math.Pow(t, k) * Math.Pow(1 - t, degree - k);
            binomial = binomial * (degree - k) / (k + 1);
        }
    }
}

/// <summary>Polygonal chain through the bends: hat functions c_k(t) = max(0, 1 − |t·(n+1) − k|); bend k at t = k/(n+1).</summary>
public sealed class PolyChain(int bends) : CurveFamily(bends)
{
    public override string Name => "polychain";

    public override void Coefficients(double t, Span<double> c)
    {
        double s = t * (Bends + 1);
        for (int k = 0; k < ControlPoints; k++) c[k] = Math.Max(0, 1 - Math.Abs(s - k));
    }
}

/// <summary>The straight segment (1 − t)·w_0 + t·w_1: the baseline with no bends.</summary>
public sealed class Segment() : CurveFamily(0)
{
    public override string Name => "segment";

    public override void Coefficients(double t, Span<double> c)
    {
        c[0] = 1 - t;
        c[1] = t;
    }
}
