using Isthmus.Nn;
using Isthmus.Space;

namespace Isthmus.Evaluation;

/// <summary>One evaluated point of a curve.</summary>
/// <param name="T">Its t.</param>
/// <param name="Metrics">Train and test metrics at φ(t), batch norm recomputed.</param>
/// <param name="EnsembleWithStartError">Error (%) of the ensemble of φ(t_0) and φ(t) (Fig. 2 right); NaN for token streams.</param>
/// <param name="Seconds">Time spent on this point.</param>
public sealed record CurvePoint(double T, PointMetrics Metrics, double EnsembleWithStartError, double Seconds)
{
    /// <summary>Its index in the grid of t.</summary>
    public int Index { get; init; }
}

/// <summary>
/// A curve measured the way Table 2 does (docs/science.md §2): per-t metrics, the curve's length and length ratio; their
/// min/max/mean/int and the three barrier heights of each metric (docs/science.md §6) are <see cref="Landscape.CurveMeasures"/>.
/// </summary>
public sealed class CurveEvaluation
{
    /// <summary>Every grid point in order of t; for one shard's evaluation, only that shard's points.</summary>
    public required IReadOnlyList<CurvePoint> Points { get; init; }

    /// <summary>‖φ(t_{i+1}) − φ(t_i)‖ over all parameters, one per grid interval.</summary>
    public required IReadOnlyList<double> Steps { get; init; }

    /// <summary>‖φ(1) − φ(0)‖: the distance between the endpoints.</summary>
    public required double EndpointDistance { get; init; }

    /// <summary>True if the network has batch norm, whose statistics were then recomputed for every point.</summary>
    public required bool BatchNormRecomputed { get; init; }

    /// <summary>How hidden-unit statistics were corrected at each point: "none", "batch-norm recomputed" or "repair" (<see cref="Repair"/>).</summary>
    public string Correction { get; init; } = "none";

    public double[] T => Points.Select(p => p.T).ToArray();

    /// <summary>Length of the curve: Σ ‖φ(t_{i+1}) − φ(t_i)‖ over the grid.</summary>
    public double Length => Steps.Sum();

    /// <summary>Length / ‖φ(1) − φ(0)‖ (a segment: 1).</summary>
    public double LengthRatio => EndpointDistance > 0 ? Length / EndpointDistance : double.NaN;

    public double SecondsPerPoint => Points.Count == 0 ? 0 : Points.Average(p => p.Seconds);

    /// <summary>Every per-t metric by its curve.json key, in a fixed order; perplexities for language models.</summary>
    public IReadOnlyList<(string Name, double[] Values)> Arrays
    {
        get
        {
            var list = new List<(string, double[])>
            {
                ("train_loss", Points.Select(p => p.Metrics.TrainLoss).ToArray()),
                ("train_nll", Points.Select(p => p.Metrics.Train.Nll).ToArray()),
                ("train_error", Points.Select(p => p.Metrics.Train.Error).ToArray()),
                ("test_nll", Points.Select(p => p.Metrics.Test.Nll).ToArray()),
                ("test_error", Points.Select(p => p.Metrics.Test.Error).ToArray()),
            };
            if (Points.All(p => double.IsFinite(p.EnsembleWithStartError)))
                list.Add(("ensemble_with_start_error", Points.Select(p => p.EnsembleWithStartError).ToArray()));
            if (Sequence)
            {
                list.Add(("train_perplexity", Points.Select(p => p.Metrics.Train.Perplexity).ToArray()));
                list.Add(("test_perplexity", Points.Select(p => p.Metrics.Test.Perplexity).ToArray()));
            }
            return list;
        }
    }

    /// <summary>True when the data are token streams (language models).</summary>
    public bool Sequence { get; init; }
}

/// <summary>
/// Moves a network along a curve φ(t) = Σ_k c_k(t)·θ_k of its weight space and scores grid points with
/// <see cref="GridEvaluator"/> (batch norm recomputed per point; several points per pass where the network allows).
/// Distances come from the control points' Gram matrix, so no point is materialised twice.
/// </summary>
public static class CurveEvaluator
{
    public static CurveEvaluation Evaluate(Network net, CurveFamily family, IReadOnlyList<double> ts, PointEvaluator evaluator,
        IProgress<GridProgress>? progress = null, CancellationToken ct = default) =>
        Evaluate(net, family.Coefficients, ts, evaluator, progress, ct);

    /// <param name="net">A network bound to the curve's weight space.</param>
    /// <param name="coefficients">c(t) for the network's space (length = its control points).</param>
    /// <param name="ts">Grid of t, increasing; the ensemble column pairs each point with the first.</param>
    /// <param name="evaluator">Scores each point (batch norm recomputed).</param>
    /// <param name="progress">Reported after each point.</param>
    /// <param name="ct">Cancels between (and inside) points.</param>
    /// <param name="shard">Which grid points to evaluate: all, or one shard's (its <see cref="CurveEvaluation.Points"/>
    /// are then only those; the lengths are always the whole curve's).</param>
    public static CurveEvaluation Evaluate(Network net, Func<double, double[]> coefficients, IReadOnlyList<double> ts, PointEvaluator evaluator,
        IProgress<GridProgress>? progress = null, CancellationToken ct = default, Shard? shard = null)
    {
        if (ts.Count < 2) throw new ArgumentException("A curve needs at least two grid points.");
        var space = net.Space;
        var gram = ControlGram.Of(space);
        var cs = ts.Select(coefficients).ToArray();
        var steps = new double[ts.Count - 1];
        for (int i = 0; i < steps.Length; i++) steps[i] = gram.Distance(cs[i + 1], cs[i]);
        var indices = (shard ?? Shard.All).PointsOf(ts.Count);

        bool sequence = evaluator.Eval.IsSequence;
        var startProbabilities = new List<Tensor>();
        var ensembleWrong = new Dictionary<int, Tensor>();
        // Fig. 2 right: the mean of the two networks' softmax outputs; φ(t_0)'s outputs are kept once, on the CPU.
        void Ensemble(int point, int batch, Tensor logits, Tensor y)
        {
            var p = logits.softmax(1);
            if (point == 0) startProbabilities.Add(p.cpu().clone().DetachFromDisposeScope());
            if (!ensembleWrong.TryGetValue(point, out var wrong))
                ensembleWrong[point] = wrong = zeros(Array.Empty<long>(), ScalarType.Int64, space.Device).DetachFromDisposeScope();
            wrong.add_(p.add(startProbabilities[batch].to(p.device)).argmax(1).ne(y).sum());
        }

        var points = new List<CurvePoint>(indices.Length);
        try
        {
            if (!sequence && indices.Length > 0 && indices[0] != 0)
            {
                // A shard without t_0 still needs φ(t_0)'s outputs for its ensemble column.
                space.MoveTo(cs[0]);
                evaluator.ObserveEval(net, (b, logits, y) => Ensemble(0, b, logits, y), ct);
            }
            var scored = GridEvaluator.Evaluate(net, cs, indices, evaluator, i => "t = " + ts[i].ToString("0.###", CultureInfo.InvariantCulture),
                progress, ct, sequence ? null : Ensemble);
            foreach (var g in scored)
            {
                double ensemble = sequence ? double.NaN : 100.0 * ensembleWrong[g.Index].item<long>() / g.Metrics.Test.Count;
                points.Add(new CurvePoint(ts[g.Index], g.Metrics, ensemble, g.Seconds) { Index = g.Index });
            }
        }
        finally
        {
            foreach (var t in startProbabilities) t.Dispose();
            foreach (var t in ensembleWrong.Values) t.Dispose();
        }
        return new CurveEvaluation
        {
            Points = points,
            Steps = steps,
            EndpointDistance = gram.Distance(coefficients(1.0), coefficients(0.0)),
            BatchNormRecomputed = net.HasBatchNorm,
            Correction = evaluator.CorrectionOf(net),
            Sequence = sequence,
        };
    }
}
