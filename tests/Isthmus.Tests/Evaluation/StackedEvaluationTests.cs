namespace Isthmus.Tests.Evaluation;

/// <summary>Several points of a grid scored in one pass over the data give the numbers of one point at a time.</summary>
public sealed class StackedEvaluationTests
{
    [Fact]
    public void A_stacked_point_has_the_weights_of_the_same_point_alone()
    {
        using var net = ModelZoo.Build(Synthetic.SmallMlp, Synthetic.SmallShape);
        using var space = WeightSpace.Create(net.Layout, controlPoints: 3, seed: 3);
        double[][] points = [[0.25, 0.5, 0.25], [1, 0, 0], [0.1, -0.3, 1.2]];
        space.MoveToStack(points);
        Assert.Equal(3, space.Stacked);
        var stacked = Enumerable.Range(0, net.Layout.Count).Select(p => space.StackedPoint(p).clone()).ToArray();
        var norms = Enumerable.Range(0, 3).Select(q => space.StackedSquaredNorm(q).item<float>()).ToArray();
        for (int q = 0; q < points.Length; q++)
        {
            space.MoveTo(points[q]);
            Assert.Equal(0, space.Stacked);
            for (int p = 0; p < net.Layout.Count; p++)
                Assert.True(Tensors.Same(stacked[p][q], space.Point(p)), $"point {q}, parameter {net.Layout.Specs[p].Name}");
            Assert.Equal(space.SquaredNorm().item<float>(), norms[q]);
        }
    }

    [Fact]
    public void Stacked_logits_are_those_of_each_point_alone()
    {
        using var bound = new BoundMlp(controlPoints: 2, seed: 5);
        var (net, space) = (bound.Net, bound.Space);
        var x = randn(40, 1, 2, 2, generator: new TorchSharp.torch.Generator(1));
        using var _ = no_grad();
        space.MoveToStack([[0.7, 0.3], [0.2, 0.8]]);
        var both = net.Forward(x);
        Assert.Equal([2L, 40, 3], both.shape);
        space.MoveTo([0.2, 0.8]);
        var second = net.Forward(x);
        Assert.True(both[1].allclose(second, rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public void With_more_points_than_control_points_the_shared_first_layer_gives_each_points_logits()
    {
        using var bound = new BoundMlp(controlPoints: 3, seed: 6);
        var (net, space) = (bound.Net, bound.Space);
        var x = randn(40, 1, 2, 2, generator: new TorchSharp.torch.Generator(2));
        using var _ = no_grad();
        double[][] points = [[1, 0, 0], [0.25, 0.5, 0.25], [0.04, 0.32, 0.64], [-0.5, 1.0, 0.5], [0, 0, 1]];
        space.MoveToStack(points);
        var all = net.Forward(x);
        Assert.Equal([5L, 40, 3], all.shape);
        for (int q = 0; q < points.Length; q++)
        {
            space.MoveTo(points[q]);
            Assert.True(all[q].allclose(net.Forward(x), rtol: 1e-5, atol: 1e-6), $"point {q}");
        }
    }

    [Fact]
    public void A_curve_scored_eight_points_per_pass_equals_one_point_at_a_time()
    {
        using var data = Synthetic.Images(train: 350, test: 130);
        using var bound = new BoundMlp(controlPoints: 3, seed: 2);
        var (net, space) = (bound.Net, bound.Space);
        var ts = PathStatistics.UniformGrid(11); // 8 + 3: a full stack and a partial one
        var one = CurveEvaluator.Evaluate(net, new Bezier(1), ts, Synthetic.Evaluator(data, 1));
        var eight = CurveEvaluator.Evaluate(net, new Bezier(1), ts, Synthetic.Evaluator(data, 8));
        Assert.True(Synthetic.Evaluator(data, 8).CanStack(net));
        Assert.False(Synthetic.Evaluator(data, 1).CanStack(net));
        for (int i = 0; i < ts.Length; i++)
        {
            var (a, b) = (one.Points[i], eight.Points[i]);
            Assert.Equal(i, b.Index);
            // The first layer is computed once per control point and combined: equal up to float32 rounding.
            Assert.Equal(a.Metrics.TrainLoss, b.Metrics.TrainLoss, 1e-6);
            Assert.Equal(a.Metrics.Train.Nll, b.Metrics.Train.Nll, 1e-6);
            Assert.Equal(a.Metrics.Test.Nll, b.Metrics.Test.Nll, 1e-6);
            Assert.Equal(a.Metrics.Train.Error, b.Metrics.Train.Error);
            Assert.Equal(a.Metrics.Test.Error, b.Metrics.Test.Error);
            Assert.Equal(a.EnsembleWithStartError, b.EnsembleWithStartError);
        }
        Assert.Equal(0, space.Stacked); // left at one point
    }
}
