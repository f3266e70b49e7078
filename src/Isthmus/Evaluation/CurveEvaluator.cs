using System.Diagnostics;
using System.Globalization;
using Isthmus.Landscape;
using Isthmus.Nn;
using Isthmus.Space;
using static TorchSharp.torch;

namespace Isthmus.Evaluation;

/// <summary>One evaluated point of a curve.</summary>
/// <param name="T">Its t.</param>
/// <param name="Metrics">Train and test metrics at φ(t), batch norm recomputed.</param>
/// <param name="EnsembleWithStartError">Error (%) of the ensemble of φ(t_0) and φ(t) (Fig. 2 right); NaN for token streams.</param>
/// <param name="Seconds">Time spent on this point.</param>
public sealed record CurvePoint(double T, PointMetrics Metrics, double EnsembleWithStartError, double Seconds);

/// <summary>
/// A curve measured the way Table 2 does (SCIENCE §2): per-t metrics, their min/max/mean/int, the curve's length and
/// length ratio, and the three barrier heights of each metric (SCIENCE §6).
/// </summary>
public sealed class CurveEvaluation
{
    public required IReadOnlyList<CurvePoint> Points { get; init; }

    /// <summary>‖φ(t_{i+1}) − φ(t_i)‖ over all parameters, one per grid interval.</summary>
    public required IReadOnlyList<double> Steps { get; init; }

    /// <summary>‖φ(1) − φ(0)‖: the distance between the endpoints.</summary>
    public required double EndpointDistance { get; init; }

    /// <summary>True if the network has batch norm, whose statistics were then recomputed for every point.</summary>
    public required bool BatchNormRecomputed { get; init; }

    public double[] T => Points.Select(p => p.T).ToArray();

    /// <summary>Length of the curve: Σ ‖φ(t_{i+1}) − φ(t_i)‖ over the grid.</summary>
    public double Length => PathStatistics.Length(Steps);

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

    public PathStats Stats(double[] values) => PathStatistics.Of(T, Steps, values);

    public BarrierHeights Barriers(double[] values) => Landscape.Barrier.Of(T, values);
}

/// <summary>
/// Moves a network along a curve φ(t) = Σ_k c_k(t)·θ_k of its weight space and scores every grid point with
/// <see cref="PointEvaluator"/> (batch norm recomputed per point). Distances come from the control points' Gram
/// matrix, so no point is materialised twice.
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
    public static CurveEvaluation Evaluate(Network net, Func<double, double[]> coefficients, IReadOnlyList<double> ts, PointEvaluator evaluator,
        IProgress<GridProgress>? progress = null, CancellationToken ct = default)
    {
        if (ts.Count < 2) throw new ArgumentException("A curve needs at least two grid points.");
        var space = net.Space;
        var gram = ControlGram.Of(space);
        var cs = ts.Select(coefficients).ToArray();
        var steps = new double[ts.Count - 1];
        for (int i = 0; i < steps.Length; i++) steps[i] = gram.Distance(cs[i + 1], cs[i]);

        bool sequence = evaluator.Eval.IsSequence;
        var startProbabilities = new List<Tensor>();
        using var ensembleWrong = zeros(Array.Empty<long>(), ScalarType.Int64, space.Device).DetachFromDisposeScope();
        bool first = true;
        // Fig. 2 right: the mean of the two networks' softmax outputs; φ(t_0)'s outputs are kept once, on the CPU.
        void Ensemble(int batch, Tensor logits, Tensor y)
        {
            var p = logits.softmax(1);
            if (first) startProbabilities.Add(p.cpu().clone().DetachFromDisposeScope());
            ensembleWrong.add_(p.add(startProbabilities[batch].to(p.device)).argmax(1).ne(y).sum());
        }

        var points = new List<CurvePoint>(ts.Count);
        var clock = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < ts.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var started = clock.Elapsed.TotalSeconds;
                space.MoveTo(cs[i]);
                ensembleWrong.zero_();
                var metrics = evaluator.Evaluate(net, ct, sequence ? null : Ensemble);
                double ensemble = sequence ? double.NaN : 100.0 * ensembleWrong.item<long>() / metrics.Test.Count;
                first = false;
                points.Add(new CurvePoint(ts[i], metrics, ensemble, clock.Elapsed.TotalSeconds - started));
                progress?.Report(new GridProgress(i + 1, ts.Count, "t = " + ts[i].ToString("0.###", CultureInfo.InvariantCulture), metrics, clock.Elapsed.TotalSeconds));
            }
        }
        finally
        {
            foreach (var t in startProbabilities) t.Dispose();
        }
        return new CurveEvaluation
        {
            Points = points,
            Steps = steps,
            EndpointDistance = gram.Distance(coefficients(1.0), coefficients(0.0)),
            BatchNormRecomputed = net.HasBatchNorm,
            Sequence = sequence,
        };
    }
}
