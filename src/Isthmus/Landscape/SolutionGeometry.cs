using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Nn;

namespace Isthmus.Landscape;

/// <summary>How <see cref="SolutionGeometry.Measure"/> probes a solution (docs/science.md §5, "hyperparameters").</summary>
public sealed record GeometryOptions
{
    /// <summary>K, the random directions along which the radius is measured.</summary>
    public int Directions { get; init; } = 5;
    /// <summary>Filter-normalised directions (Li et al. 2018) instead of unit ones.</summary>
    public bool FilterNormalize { get; init; }
    /// <summary>Δ: the radius is where the NLL first exceeds its value at the solution by this much (nats).</summary>
    public double Delta { get; init; } = 0.1;
    /// <summary>The first distance tried; it doubles until the NLL crosses the threshold.</summary>
    public double InitialDistance { get; init; } = 1;
    /// <summary>A direction not crossed by this distance has radius +∞.</summary>
    public double MaxDistance { get; init; } = 1e4;
    public int Bisections { get; init; } = 10;
    public int PowerIterations { get; init; } = 20;
    /// <summary>Relative change of the eigenvalue estimate at which power iteration stops.</summary>
    public double Tolerance { get; init; } = 1e-3;
    /// <summary>Hessian-vector products by finite differences of gradients instead of double backward.</summary>
    public bool FiniteDifferences { get; init; }
    /// <summary>Seed of the directions and of power iteration's start vector.</summary>
    public long Seed { get; init; } = 1;
}

/// <summary>
/// The local and large-scale shape of the loss around one solution: the NLL there, the distance along each random
/// direction at which it first exceeds NLL + Δ, the top eigenvalue of its Hessian (power iteration), and how far the
/// solution lies from its initialisation.
/// </summary>
public sealed record Geometry(double Nll, double Threshold, IReadOnlyList<double> Radii, EigenEstimate TopEigenvalue, double DistanceFromInit, double WeightNorm)
{
    public double MeanRadius => Radii.Average();
}

/// <summary>Measures a <see cref="Geometry"/> of a plain network at its current point, on a fixed set of batches.</summary>
public static class SolutionGeometry
{
    /// <param name="net">A one-control-point network at the solution; it is back at the solution when this returns.</param>
    /// <param name="data">The examples every loss, gradient and Hessian product is computed on, in order.</param>
    /// <param name="init">The network's initial weights, per parameter.</param>
    /// <param name="o">What to measure.</param>
    /// <param name="log">Receives one line per direction and one for the eigenvalue.</param>
    /// <param name="ct">Cancels between evaluations.</param>
    public static Geometry Measure(Network net, IBatchSource data, IReadOnlyList<Tensor> init, GeometryOptions o, Action<string>? log = null, CancellationToken ct = default)
    {
        if (net.Space.ControlPointCount != 1) throw new ArgumentException("Measure a plain network (one control point).");
        var weights = net.Space.PointTensors;
        var solution = ParameterVectors.Clone(weights);
        try
        {
            double Nll()
            {
                BatchNormCalibration.Recompute(net, data, ct: ct);
                return Evaluator.Evaluate(net, data, ct).Nll;
            }
            double nll = Nll();
            double threshold = nll + o.Delta;
            using var generator = new Generator((ulong)o.Seed);
            var radii = new List<double>();
            for (int k = 0; k < o.Directions; k++)
            {
                var direction = ParameterVectors.RandomDirection(solution, generator, o.FilterNormalize);
                int evaluations = 0;
                double radius = DirectionalRadius.FirstCrossing(alpha =>
                {
                    evaluations++;
                    MoveTo(weights, solution, direction, alpha);
                    return Nll();
                }, threshold, o.InitialDistance, o.MaxDistance, o.Bisections);
                ParameterVectors.Dispose(direction);
                radii.Add(radius);
                log?.Invoke($"direction {k + 1}/{o.Directions}: NLL exceeds {threshold:F4} at distance {radius:G4} ({evaluations} evaluations)");
            }
            MoveTo(weights, solution, null, 0);
            BatchNormCalibration.Recompute(net, data, ct: ct);
            var hessian = new Hessian(net, data);
            var start = ParameterVectors.RandomDirection(solution, generator, filterNormalize: false);
            EigenEstimate top;
            try
            {
                top = PowerIteration.TopEigenvalue(v =>
                {
                    ct.ThrowIfCancellationRequested();
                    return o.FiniteDifferences ? hessian.MultiplyByDifferences(v) : hessian.Multiply(v);
                }, start, o.PowerIterations, o.Tolerance);
            }
            finally
            {
                ParameterVectors.Dispose(start);
            }
            log?.Invoke($"top Hessian eigenvalue {top.Value:G4} after {top.Iterations} products" + (top.Converged ? "" : " (not converged)"));
            return new Geometry(nll, threshold, radii, top, ParameterVectors.Distance(solution, init), ParameterVectors.Norm(solution));
        }
        finally
        {
            MoveTo(weights, solution, null, 0);
            ParameterVectors.Dispose(solution);
        }
    }

    /// <summary>weights ← solution + α·direction, in place.</summary>
    private static void MoveTo(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> solution, IReadOnlyList<Tensor>? direction, double alpha)
    {
        using var _ = no_grad();
        for (int p = 0; p < weights.Count; p++)
        {
            weights[p].copy_(solution[p]);
            if (direction is not null) weights[p].add_(direction[p], alpha: alpha);
        }
    }
}
