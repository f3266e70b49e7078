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
        IProgress<GridProgress>? progress = null, CancellationToken ct = default) =>
        From(xs, ys, EvaluateCells(net, plane, xs, ys, evaluator, Shard.All, progress, ct), net.HasBatchNorm);

    /// <summary>
    /// Evaluates the cells of <paramref name="shard"/>; cell (x[i], y[j]) has grid index j·|x| + i.
    /// </summary>
    public static IReadOnlyList<GridPoint> EvaluateCells(Network net, Plane plane, double[] xs, double[] ys, PointEvaluator evaluator, Shard shard,
        IProgress<GridProgress>? progress = null, CancellationToken ct = default, IReadOnlyList<GridPoint>? done = null, Action<IReadOnlyList<GridPoint>>? save = null)
    {
        if (!ReferenceEquals(net.Space, plane.Space)) throw new ArgumentException("Bind the network to the plane's space first.");
        int nx = xs.Length;
        var coefficients = Enumerable.Range(0, nx * ys.Length).Select(c => (IReadOnlyList<double>)Plane.Coefficients(xs[c % nx], ys[c / nx])).ToArray();
        return GridEvaluator.Evaluate(net, coefficients, shard.PointsOf(coefficients.Length), evaluator,
            c => string.Create(CultureInfo.InvariantCulture, $"({xs[c % nx]:0.##}, {ys[c / nx]:0.##})"), progress, ct, done: done, save: save);
    }

    /// <summary>The surface from every cell's result (see <see cref="EvaluateCells"/> for the cell order).</summary>
    public static PlaneSurface From(double[] xs, double[] ys, IReadOnlyList<GridPoint> cells, bool batchNormRecomputed)
    {
        int nx = xs.Length, ny = ys.Length;
        if (cells.Count != nx * ny) throw new ArgumentException($"Expected {nx * ny} cells, got {cells.Count}.");
        var loss = new double[ny, nx];
        var trainNll = new double[ny, nx];
        var trainError = new double[ny, nx];
        var testNll = new double[ny, nx];
        var testError = new double[ny, nx];
        foreach (var cell in cells)
        {
            int i = cell.Index % nx, j = cell.Index / nx;
            var m = cell.Metrics;
            loss[j, i] = m.TrainLoss;
            trainNll[j, i] = m.Train.Nll;
            trainError[j, i] = m.Train.Error;
            testNll[j, i] = m.Test.Nll;
            testError[j, i] = m.Test.Error;
        }
        return new PlaneSurface
        {
            X = xs, Y = ys, TrainLoss = loss, TrainNll = trainNll, TrainError = trainError, TestNll = testNll, TestError = testError,
            SecondsPerPoint = cells.Average(c => c.Seconds),
            BatchNormRecomputed = batchNormRecomputed,
        };
    }
}
