namespace Isthmus.Tests.Evaluation;

public sealed class CurveEvaluatorTests
{
    private static readonly ArchitectureSpec Mlp = Synthetic.SmallMlp;
    private static readonly DataShape Shape = Synthetic.SmallShape;

    private static PointEvaluator EvaluatorFor(Isthmus.Data.DataBundle data) => Synthetic.Evaluator(data);

    /// <summary>The metrics of control point <paramref name="k"/> of <paramref name="curve"/> as a plain network.</summary>
    private static PointMetrics Alone(WeightSpace curve, int k, PointEvaluator evaluator)
    {
        using var net = ModelZoo.Build(Mlp, Shape);
        using var space = WeightSpace.CreateEmpty(net.Layout);
        net.Bind(space);
        for (int p = 0; p < net.Layout.Count; p++) space.SetControl(0, p, curve.Control(k, p));
        return evaluator.Evaluate(net);
    }

    [Fact]
    public void Bezier_curve_at_t0_and_t1_reproduces_its_endpoints_metrics()
    {
        using var data = Synthetic.Images();
        using var bound = new BoundMlp(controlPoints: 3, seed: 2);
        var (net, space) = (bound.Net, bound.Space);
        var evaluator = EvaluatorFor(data);
        var curve = CurveEvaluator.Evaluate(net, new Bezier(1), PathStatistics.UniformGrid(5), evaluator);

        foreach (var (i, k) in new[] { (0, 0), (4, 2) })
        {
            var expected = Alone(space, k, evaluator);
            var got = curve.Points[i].Metrics;
            Assert.Equal(expected.TrainLoss, got.TrainLoss, 9);
            Assert.Equal(expected.Train.Error, got.Train.Error);
            Assert.Equal(expected.Test.Nll, got.Test.Nll, 9);
            Assert.Equal(expected.Test.Error, got.Test.Error);
        }
        // The ensemble of φ(0) with itself is φ(0).
        Assert.Equal(curve.Points[0].Metrics.Test.Error, curve.Points[0].EnsembleWithStartError);
        Assert.Equal(5, curve.Arrays.Single(a => a.Name == "ensemble_with_start_error").Values.Length);
        Assert.True(curve.LengthRatio > 1); // a Bezier curve through a random bend is longer than the chord
        Assert.False(curve.BatchNormRecomputed);
    }

    [Fact]
    public void Segment_has_length_ratio_one_and_ensemble_at_t1_is_the_two_endpoint_ensemble()
    {
        using var data = Synthetic.Images();
        using var bound = new BoundMlp(controlPoints: 2, seed: 4);
        var (net, space) = (bound.Net, bound.Space);
        var curve = CurveEvaluator.Evaluate(net, new Segment(), PathStatistics.UniformGrid(3), EvaluatorFor(data));
        Assert.Equal(1.0, curve.LengthRatio, 6);

        using var _ = no_grad();
        var x = data.Eval!.Images;
        space.MoveTo([1, 0]);
        var p0 = net.Forward(x).softmax(1);
        space.MoveTo([0, 1]);
        var p1 = net.Forward(x).softmax(1);
        double expected = 100.0 * (p0 + p1).argmax(1).ne(data.Eval.Labels).sum().item<long>() / data.Eval.Count;
        Assert.Equal(expected, curve.Points[^1].EnsembleWithStartError, 9);
    }

    [Fact]
    public void Trivial_curve_keeps_predictions_for_t_above_zero_while_logits_scale_by_t_to_the_L()
    {
        using var net = ModelZoo.Build(Mlp, Shape);
        var rule = TrivialCurve.For(net.Layout);
        Assert.Equal(3, rule.Layers);
        using var space = WeightSpace.Create(net.Layout, controlPoints: rule.ControlPoints, seed: 9);
        net.Bind(space);
        using (no_grad())
            for (int k = 1; k < rule.ControlPoints; k++)
                foreach (var t in space.ControlTensors(k)) t.zero_();
        // A plain network in control point 0 (its biases made clearly non-zero), then arranged into the curve.
        using (no_grad()) foreach (var p in Enumerable.Range(0, net.Layout.Count).Where(p => rule.LayerOf[p] > 0)) space.Control(0, p).add_(0.5);
        rule.Arrange(space);
        var x = randn(50, 1, 2, 2, generator: new Generator(3));
        using var _ = no_grad();
        space.MoveTo(rule.Coefficients(1));
        var full = net.Forward(x);
        foreach (var t in new[] { 0.05, 0.3, 0.8 })
        {
            space.MoveTo(rule.Coefficients(t));
            var logits = net.Forward(x);
            Assert.True(logits.allclose(full * Math.Pow(t, 3), rtol: 1e-4, atol: 1e-6), $"t = {t}");
            Assert.True(logits.argmax(1).eq(full.argmax(1)).all().item<bool>(), $"t = {t}");
        }
    }

    [Fact]
    public void Trivial_curve_refuses_batch_norm_parameters()
    {
        using var net = ModelZoo.Build(new ArchitectureSpec("convfc").With("bn", "true").With("width_factor", "0.1"), new DataShape([1, 28, 28], 10));
        Assert.Throws<IsthmusException>(() => TrivialCurve.For(net.Layout));
    }
}
