namespace Isthmus.Tests.Space;

public sealed class WeightSpaceTests
{
    private static ParameterLayout Layout() => TinyLayout.Linear("a", 2, 3, Init.Uniform(1), Init.Constant(0.5));

    [Fact]
    public void MoveTo_writes_the_weighted_sum_of_control_points_into_the_point()
    {
        using var space = WeightSpace.Create(Layout(), controlPoints: 3, seed: 7);
        space.MoveTo([0.2, 0.3, 0.5]);
        for (int p = 0; p < 2; p++)
        {
            using var expected = space.Control(0, p) * 0.2 + space.Control(1, p) * 0.3 + space.Control(2, p) * 0.5;
            Assert.True(space.Point(p).allclose(expected, rtol: 1e-6, atol: 1e-7));
        }
    }

    [Fact]
    public void MoveTo_is_in_place_and_keeps_the_point_tensors()
    {
        using var space = WeightSpace.Create(Layout(), controlPoints: 2, seed: 1);
        var before = space.Point(0).storage<float>().data_ptr();
        space.MoveTo([0.5, 0.5]);
        space.MoveTo([1.0, 0.0]);
        Assert.Equal(before, space.Point(0).storage<float>().data_ptr());
        Assert.True(Tensors.Same(space.Point(0), space.Control(0, 0)));
    }

    [Fact]
    public void Control_points_are_initialised_by_the_layout_rules_and_differ_by_seed()
    {
        using var a = WeightSpace.Create(Layout(), controlPoints: 2, seed: 3);
        using var b = WeightSpace.Create(Layout(), controlPoints: 1, seed: 3);
        Assert.True(Tensors.Same(a.Control(0, 0), b.Control(0, 0)));   // same seed, same tensor
        Assert.False(Tensors.Same(a.Control(1, 0), a.Control(0, 0)));  // control point k uses seed + k
        Assert.True(a.Control(0, 0).abs().max().item<float>() <= 1f);
        Assert.True(a.Control(1, 1).eq(0.5f).all().item<bool>());
    }

    [Fact]
    public void SquaredNorm_is_the_sum_of_squares_of_the_point()
    {
        using var space = WeightSpace.Create(Layout(), controlPoints: 1, seed: 5);
        double expected = space.PointTensors.Sum(t => t.square().sum().item<float>());
        using var norm = space.SquaredNorm();
        Assert.Equal(expected, norm.item<float>(), 4);
    }

    [Fact]
    public void Fixed_control_points_are_not_offered_to_the_optimiser()
    {
        using var space = WeightSpace.Create(Layout(), controlPoints: 3, seed: 5);
        space.SetTrainable(0, false);
        space.SetTrainable(2, false);
        var trainable = space.TrainableTensors().ToList();
        Assert.Equal(2, trainable.Count);
        Assert.Same(space.Control(1, 0), trainable[0]);
    }

    [Fact]
    public void A_one_control_point_space_accepts_only_the_coefficient_one()
    {
        using var space = WeightSpace.Create(Layout(), controlPoints: 1);
        Assert.Throws<ArgumentException>(() => space.MoveTo([0.5]));
    }

    [Fact]
    public void SetControl_refuses_a_tensor_of_another_shape_naming_the_parameter()
    {
        using var space = WeightSpace.Create(Layout(), controlPoints: 1);
        using var wrong = zeros(3, 3);
        var e = Assert.Throws<IsthmusException>(() => space.SetControl(0, 0, wrong));
        Assert.Contains("a.weight", e.Message);
    }
}
