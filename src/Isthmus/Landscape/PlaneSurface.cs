using System.Diagnostics;
using System.Globalization;
using Isthmus.Evaluation;
using Isthmus.Nn;

namespace Isthmus.Landscape;

/// <summary>Metrics on a plane's grid, indexed [row j][column i] = the point (X[i], Y[j]).</summary>
public sealed class PlaneSurface
{
    public required double[] X { get; init; }
    public required double[] Y { get; init; }
    public required double[,] TrainLoss { get; init; }
    public required double[,] TrainNll { get; init; }
    public required double[,] TrainError { get; init; }
    public required double[,] TestNll { get; init; }
    public required double[,] TestError { get; init; }
    public required double SecondsPerPoint { get; init; }
    public required bool BatchNormRecomputed { get; init; }

    /// <summary>
    /// Evaluates every grid point w1 + x·û + y·v̂ of <paramref name="plane"/> with <paramref name="evaluator"/>
    /// (batch norm recomputed per point); <paramref name="net"/> must be bound to <see cref="Plane.Space"/>.
    /// </summary>
    public static PlaneSurface Evaluate(Network net, Plane plane, double[] xs, double[] ys, PointEvaluator evaluator,
        IProgress<GridProgress>? progress = null, CancellationToken ct = default)
    {
        if (!ReferenceEquals(net.Space, plane.Space)) throw new ArgumentException("Bind the network to the plane's space first.");
        int nx = xs.Length, ny = ys.Length;
        var loss = new double[ny, nx];
        var trainNll = new double[ny, nx];
        var trainError = new double[ny, nx];
        var testNll = new double[ny, nx];
        var testError = new double[ny, nx];
        var clock = Stopwatch.StartNew();
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
            {
                ct.ThrowIfCancellationRequested();
                plane.Space.MoveTo(Plane.Coefficients(xs[i], ys[j]));
                var m = evaluator.Evaluate(net, ct);
                loss[j, i] = m.TrainLoss;
                trainNll[j, i] = m.Train.Nll;
                trainError[j, i] = m.Train.Error;
                testNll[j, i] = m.Test.Nll;
                testError[j, i] = m.Test.Error;
                progress?.Report(new GridProgress(j * nx + i + 1, nx * ny,
                    string.Create(CultureInfo.InvariantCulture, $"({xs[i]:0.##}, {ys[j]:0.##})"), m, clock.Elapsed.TotalSeconds));
            }
        return new PlaneSurface
        {
            X = xs, Y = ys, TrainLoss = loss, TrainNll = trainNll, TrainError = trainError, TestNll = testNll, TestError = testError,
            SecondsPerPoint = clock.Elapsed.TotalSeconds / (nx * ny),
            BatchNormRecomputed = net.HasBatchNorm,
        };
    }
}
