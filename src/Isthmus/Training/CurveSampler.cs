using Isthmus.Space;

namespace Isthmus.Training;

/// <summary>
/// Eq. (2) of Garipov et al.: the curve objective E_{t~U(0,1)} L(φθ(t)) is minimised by drawing one t per minibatch
/// and stepping on the loss at φθ(t). Coefficients go into a buffer allocated once; the space combines its control
/// tensors in place, so a curve step allocates nothing parameter-sized.
/// </summary>
public sealed class CurveSampler : IPointSampler
{
    private readonly double[] _coefficients;

    public CurveSampler(CurveFamily family)
    {
        Family = family;
        _coefficients = new double[family.ControlPoints];
    }

    public CurveFamily Family { get; }

    /// <summary>The t of the last point drawn or moved to.</summary>
    public double LastT { get; private set; } = double.NaN;

    public string Name => "uniform-t";

    public void Next(WeightSpace space, Generator generator) => space.MoveTo(DrawNext(space, generator));

    /// <summary>Eq. (2): one t ~ U(0,1) per minibatch, from the trainer's per-epoch generator (exact resume).</summary>
    public IReadOnlyList<double> DrawNext(WeightSpace space, Generator generator)
    {
        double t;
        using (var u = rand(1, ScalarType.Float64, generator: generator)) t = u.item<double>();
        Family.Coefficients(t, _coefficients);
        LastT = t;
        return _coefficients;
    }

    /// <summary>Per-epoch metrics of a curve are those of its midpoint φ(½).</summary>
    public void MoveToReportedPoint(WeightSpace space) => MoveTo(space, 0.5);

    /// <summary>Moves <paramref name="space"/> to φ(<paramref name="t"/>).</summary>
    public void MoveTo(WeightSpace space, double t)
    {
        Family.Coefficients(t, _coefficients);
        space.MoveTo(_coefficients);
        LastT = t;
    }
}
