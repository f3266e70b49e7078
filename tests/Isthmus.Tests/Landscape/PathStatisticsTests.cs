using Barrier = Isthmus.Landscape.Barrier;

namespace Isthmus.Tests.Landscape;

public sealed class PathStatisticsTests
{
    [Fact]
    public void Trapezoid_mean_of_a_metric_linear_in_t_is_its_midpoint_value_on_any_grid()
    {
        double[] uniform = PathStatistics.UniformGrid(7);
        double[] uneven = [0, 0.05, 0.3, 0.31, 0.8, 1];
        foreach (var t in new[] { uniform, uneven })
            Assert.Equal(2.0, PathStatistics.TrapezoidMean(t, t.Select(x => 2 * x + 1).ToArray()), 12);
    }

    [Fact]
    public void Arc_length_mean_weights_by_distance_not_by_t_on_a_curve_with_non_uniform_speed()
    {
        // φ(t) = t²·e on a straight line: position s = t², speed 2t. Metric m = s (linear in arc length).
        var t = PathStatistics.UniformGrid(11);
        var s = t.Select(x => x * x).ToArray();
        var steps = Enumerable.Range(0, 10).Select(i => s[i + 1] - s[i]).ToArray();
        Assert.Equal(0.5, PathStatistics.ArcLengthMean(steps, s), 12);               // ∫ s ds / ∫ ds, exact for linear m
        Assert.Equal(1.0 / 3 + 0.01 / 6, PathStatistics.TrapezoidMean(t, s), 12);     // ∫ t² dt plus the trapezoid's h²/6
        Assert.Equal(1.0, PathStatistics.Length(steps), 12);
        var stats = PathStatistics.Of(t, steps, s);
        Assert.Equal((0.0, 1.0), (stats.Min, stats.Max));
    }

    [Fact]
    public void Arc_length_mean_of_a_path_without_length_is_undefined()
    {
        Assert.True(double.IsNaN(PathStatistics.ArcLengthMean([0, 0], [1, 2, 3])));
    }

    [Fact]
    public void Length_of_a_polychain_through_0_0_then_3_0_then_3_4_is_7_and_its_ratio_7_over_5()
    {
        var layout = new ParameterLayout();
        layout.Declare("p", [2], Init.Constant(0));
        using var space = WeightSpace.CreateEmpty(layout, 3);
        space.SetControl(1, 0, TorchSharp.torch.tensor(new float[] { 3, 0 }));
        space.SetControl(2, 0, TorchSharp.torch.tensor(new float[] { 3, 4 }));
        var gram = ControlGram.Of(space);
        var family = new PolyChain(1);
        var t = PathStatistics.UniformGrid(9);
        var steps = Enumerable.Range(0, 8).Select(i => gram.Distance(family.Coefficients(t[i + 1]), family.Coefficients(t[i]))).ToArray();
        Assert.Equal(7.0, PathStatistics.Length(steps), 9);
        Assert.Equal(5.0, gram.Distance(family.Coefficients(1), family.Coefficients(0)), 9);
        Assert.Equal(new[] { 0.75, 0.75, 0.75, 0.75, 1, 1, 1, 1 }, steps.Select(d => Math.Round(d, 9))); // constant speed on each piece
    }

    [Fact]
    public void Gram_distance_equals_the_distance_between_materialised_points()
    {
        using var space = WeightSpace.Create(TinyLayout.Linear("a", 5, 4, Init.Normal(1), Init.Uniform(1)), controlPoints: 3, seed: 11);
        var gram = ControlGram.Of(space);
        var family = new Bezier(1);
        var (c1, c2) = (family.Coefficients(0.2), family.Coefficients(0.7));
        space.MoveTo(c1);
        var p1 = space.PointTensors.Select(x => x.detach().clone()).ToList();
        space.MoveTo(c2);
        double direct = Math.Sqrt(p1.Zip(space.PointTensors, (a, b) => (a - b).square().sum().item<float>()).Sum());
        Assert.Equal(direct, gram.Distance(c1, c2), 4);
    }
}

public sealed class BarrierTests
{
    [Fact]
    public void Three_barrier_definitions_on_a_hump_between_unequal_endpoints()
    {
        double[] t = [0, 0.5, 1];
        var b = Barrier.Of(t, [1, 4, 3]);
        Assert.Equal(4, b.Max);
        Assert.Equal(2, b.Frankle);   // 4 − (1 + 3)/2
        Assert.Equal(2, b.Entezari);  // 4 − (0.5·1 + 0.5·3)
    }

    [Fact]
    public void Entezari_barrier_of_a_path_below_its_chord_is_zero_while_Frankle_is_not()
    {
        double[] t = [0, 0.25, 0.5, 0.75, 1];
        var b = Barrier.Of(t, [1, 1.5, 2, 3, 5]); // convex, below the chord from 1 to 5
        Assert.Equal(5, b.Max);
        Assert.Equal(2, b.Frankle);
        Assert.Equal(0, b.Entezari, 12);
    }

    [Fact]
    public void Entezari_barrier_uses_the_chord_at_each_t_not_the_endpoint_mean()
    {
        double[] t = [0, 0.25, 1];
        var b = Barrier.Of(t, [0, 3, 4]);
        Assert.Equal(2, b.Entezari, 12); // 3 − 0.25·4
        Assert.Equal(2, b.Frankle, 12);  // 4 − 2
    }
}
