namespace Isthmus.Tests.Ensembles;

/// <summary>Distances between consecutive members and the SWA-style average of their weights.</summary>
public sealed class WeightTrajectoryTests
{
    private static Tensor[] Weights(float a, float b, float c) => [tensor(new[] { a, b }), tensor(new[] { c })];

    [Fact]
    public void Distances_are_over_all_parameters_between_consecutive_members()
    {
        using var trajectory = new WeightTrajectory();
        Assert.Null(trajectory.Add(Weights(0, 0, 0)));
        Assert.Equal(5.0, trajectory.Add(Weights(3, 0, 4))!.Value, 6);   // ‖(3, 0, 4)‖ across two tensors
        Assert.Equal(0.0, trajectory.Add(Weights(3, 0, 4))!.Value, 6);
        Assert.Equal(13.0, trajectory.Add(Weights(3, 12, 9))!.Value, 6); // from the previous member, not the first
        Assert.Equal([5.0, 0.0, 13.0], trajectory.Steps.Select(s => Math.Round(s, 6)));
    }

    [Fact]
    public void The_average_is_the_mean_of_the_members_weights()
    {
        var layout = new ParameterLayout();
        layout.Declare("w", [2], Init.Constant(0));
        layout.Declare("b", [1], Init.Constant(0));
        using var space = WeightSpace.CreateEmpty(layout);
        using var trajectory = new WeightTrajectory();
        trajectory.Add(Weights(0, 0, 0));
        trajectory.Add(Weights(3, 0, 4));
        trajectory.Add(Weights(3, 6, 5));
        trajectory.WriteAverage(space);
        Assert.Equal([2f, 2f], space.Point(0).data<float>().ToArray());
        Assert.Equal(3f, space.Point(1).data<float>()[0]);
    }
}
