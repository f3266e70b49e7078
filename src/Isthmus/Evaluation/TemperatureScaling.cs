namespace Isthmus.Evaluation;

/// <summary>
/// Temperature scaling (Guo et al. 2017; docs/science.md §2, §6): one scalar T &gt; 0 per model, chosen to minimise the NLL
/// of softmax(logits / T) on held-out data. The NLL is convex in 1/T, hence unimodal in log T, so a golden-section
/// search on log T over cached logits finds it deterministically.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>Search range of T; a fit at a bound means the data asked for more (e.g. a perfect held-out set).</summary>
    public const double MinTemperature = 0.01, MaxTemperature = 100;

    /// <param name="logits">Held-out logits [N, C].</param>
    /// <param name="labels">Their labels, int64 [N].</param>
    /// <param name="tolerance">Width of the final bracket in log T.</param>
    public static double Fit(Tensor logits, Tensor labels, double tolerance = 1e-7)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var z = logits.to_type(ScalarType.Float64);
        double Loss(double logT) => Nll(z, labels, Math.Exp(logT));
        double phi = (Math.Sqrt(5) - 1) / 2;
        double a = Math.Log(MinTemperature), b = Math.Log(MaxTemperature);
        double c = b - phi * (b - a), d = a + phi * (b - a);
        double fc = Loss(c), fd = Loss(d);
        while (b - a > tolerance)
        {
            if (fc <= fd) { b = d; d = c; fd = fc; c = b - phi * (b - a); fc = Loss(c); }
            else { a = c; c = d; fc = fd; d = a + phi * (b - a); fd = Loss(d); }
        }
        return Math.Exp((a + b) / 2);
    }

    /// <summary>Mean NLL of softmax(logits / T) against the labels.</summary>
    public static double Nll(Tensor logits, Tensor labels, double temperature)
    {
        using var scope = NewDisposeScope();
        var lp = logits.to_type(ScalarType.Float64).div(temperature).log_softmax(1);
        return EnsembleMetrics.Nll(lp, labels);
    }
}
