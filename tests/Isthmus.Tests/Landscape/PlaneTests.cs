namespace Isthmus.Tests.Landscape;

public sealed class PlaneTests
{
    private static WeightSpace ThreePoints()
    {
        return WeightSpace.Create(TinyLayout.Linear("l", 6, 3, Init.Normal(1), Init.Uniform(1)), controlPoints: 3, seed: 5);
    }

    private static Tensor Flat(WeightSpace s, int k) => cat(s.ControlTensors(k).Select(t => t.detach().flatten()).ToArray()).to_type(ScalarType.Float64);

    [Fact]
    public void The_three_points_project_to_origin_the_u_axis_and_their_own_coordinates()
    {
        using var source = ThreePoints();
        using var plane = Plane.Through(source, [1, 0, 0], [0, 1, 0], [0, 0, 1]);
        var (w1, w2, w3) = (Flat(source, 0), Flat(source, 1), Flat(source, 2));
        var u = w2 - w1;
        double uNorm = u.norm().item<double>();
        var uHat = u / uNorm;
        var d = w3 - w1;
        double x3 = d.dot(uHat).item<double>();
        var v = d - x3 * uHat;
        double vNorm = v.norm().item<double>();

        Assert.Equal(uNorm, plane.UNorm, 4);
        Assert.Equal(vNorm, plane.VNorm, 4);
        var p1 = plane.Project([1, 0, 0]);
        var p2 = plane.Project([0, 1, 0]);
        var p3 = plane.Project([0, 0, 1]);
        Assert.Equal(0, p1.X, 9);
        Assert.Equal(0, p1.Y, 9);
        Assert.Equal(uNorm, p2.X, 4);
        Assert.Equal(0, p2.Y, 4);
        Assert.Equal(x3, p3.X, 4);
        Assert.Equal(vNorm, p3.Y, 4);
    }

    [Fact]
    public void The_grid_point_at_a_control_points_coordinates_reproduces_its_weights()
    {
        using var source = ThreePoints();
        using var plane = Plane.Through(source, [1, 0, 0], [0, 1, 0], [0, 0, 1]);
        for (int k = 0; k < 3; k++)
        {
            var e = new double[3];
            e[k] = 1;
            var (x, y) = plane.Project(e);
            plane.Space.MoveTo(Plane.Coefficients(x, y));
            for (int p = 0; p < source.Layout.Count; p++)
                Assert.True(source.Control(k, p).allclose(plane.Space.Point(p), rtol: 1e-5, atol: 1e-5), $"control point {k}, parameter {p}");
        }
    }

    [Fact]
    public void Points_off_the_plane_project_orthogonally()
    {
        using var source = ThreePoints();
        using var plane = Plane.Through(source, [1, 0, 0], [0, 1, 0], [0, 0, 1]);
        // The midpoint of w2 and w3 lies in the plane: its projection is the midpoint of theirs.
        var mid = plane.Project([0, 0.5, 0.5]);
        var (a, b) = (plane.Project([0, 1, 0]), plane.Project([0, 0, 1]));
        Assert.Equal((a.X + b.X) / 2, mid.X, 9);
        Assert.Equal((a.Y + b.Y) / 2, mid.Y, 9);
    }

    [Fact]
    public void Collinear_points_are_refused_with_a_clear_message()
    {
        using var source = ThreePoints();
        var e = Assert.Throws<IsthmusException>(() => Plane.Through(source, [1, 0, 0], [0, 1, 0], [-1, 2, 0]));
        Assert.Contains("one line", e.Message);
    }

    [Fact]
    public void Grid_spans_the_bounding_box_with_margins_of_its_extent()
    {
        var (x, y) = Plane.Grid([(0, 0), (10, 0), (4, 5)], 21, 0.2);
        Assert.Equal(21, x.Length);
        Assert.Equal(-2, x[0], 12);
        Assert.Equal(12, x[^1], 12);
        Assert.Equal(-1, y[0], 12);
        Assert.Equal(6, y[^1], 12);
    }
}
