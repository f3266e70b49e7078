namespace Isthmus.Tests.Sets;

/// <summary>Which simplices <c>connect-set --shape</c> builds, and where connectors start.</summary>
public sealed class SimplicialComplexTests
{
    /// <summary>Modes on a line at these positions: the distance of two points given as weights over the modes.</summary>
    private static Func<IReadOnlyList<double>, IReadOnlyList<double>, double> OnALine(params double[] positions) =>
        (a, b) => Math.Abs(a.Select((w, i) => w * positions[i]).Sum() - b.Select((w, i) => w * positions[i]).Sum());

    private static int[][] Simplices(SimplicialComplex c) => c.Simplices.Select(s => s.ToArray()).ToArray();

    [Fact]
    public void A_star_with_one_connector_joins_every_mode_to_it_and_starts_it_at_the_centroid()
    {
        var star = SetShape.Build("star", 3, 1, OnALine(0, 1, 2));
        Assert.Equal(4, star.Vertices);
        Assert.Equal([[0, 3], [1, 3], [2, 3]], Simplices(star));
        Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3], star.ConnectorStarts[0]);
        Assert.Equal(["mode.1-connector.1", "mode.2-connector.1", "mode.3-connector.1"], Enumerable.Range(0, 3).Select(star.SimplexName));
        Assert.All(Enumerable.Range(0, 3), s => Assert.Equal(1, star.Edges(s)));
    }

    [Fact]
    public void A_complex_has_one_triangle_per_pair_of_modes()
    {
        var complex = SetShape.Build("complex", 4, 1, OnALine(0, 1, 2, 3));
        Assert.Equal([[0, 1, 4], [0, 2, 4], [0, 3, 4], [1, 2, 4], [1, 3, 4], [2, 3, 4]], Simplices(complex));
        Assert.All(Enumerable.Range(0, 6), s => Assert.Equal(3, complex.Edges(s)));
        Assert.Equal([0.25, 0.25, 0.25, 0.25], complex.ConnectorStarts[0]);
    }

    [Fact]
    public void A_star_with_two_connectors_joins_each_mode_to_the_nearest_and_the_connectors_to_each_other()
    {
        // Seeds: mode 1 (at 0), then the farthest mode, mode 4 (at 11); modes 2 and 3 join the nearer seed.
        var star = SetShape.Build("star", 4, 2, OnALine(0, 1, 10, 11));
        Assert.Equal([[0, 4], [1, 4], [2, 5], [3, 5], [4, 5]], Simplices(star));
        Assert.Equal([0.5, 0.5, 0, 0], star.ConnectorStarts[0]);
        Assert.Equal([0, 0, 0.5, 0.5], star.ConnectorStarts[1]);
    }

    [Fact]
    public void A_complex_with_two_connectors_gives_each_pair_the_connector_nearest_its_midpoint()
    {
        // Seeds mode 1 (at 0) and mode 4 (at 12): groups {1, 2} and {3, 4} (10 is nearer 12), centroids 0.5 and 11.
        // Midpoints: (1,2) 0.5, (1,3) 5, (1,4) 6, (2,3) 5.5, (2,4) 6.5, (3,4) 11 -> nearer centroid 0.5, 0.5, 11, 0.5, 11, 11.
        var complex = SetShape.Build("complex", 4, 2, OnALine(0, 1, 10, 12));
        Assert.Equal([[0, 1, 4], [0, 2, 4], [0, 3, 5], [1, 2, 4], [1, 3, 5], [2, 3, 5]], Simplices(complex));
        Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3, 0], complex.ConnectorStarts[0]);
        Assert.Equal([0.25, 0.25, 0.25, 0.25], complex.ConnectorStarts[1]);
    }

    [Fact]
    public void Barycentric_weights_become_coefficients_on_the_simplex_vertices_only()
    {
        var complex = SetShape.Build("complex", 3, 1, OnALine(0, 1, 2));
        Assert.Equal([0, 0.2, 0.3, 0.5], complex.Coefficients(2, [0.2, 0.3, 0.5])); // simplex (mode.2, mode.3, connector.1)
        Assert.Equal([0, 0, 1, 0], complex.Vertex(2));
        Assert.Throws<ArgumentException>(() => complex.Coefficients(0, [0.5, 0.5]));
    }

    [Theory]
    [InlineData("star", 3, 4, "--connectors")]
    [InlineData("star", 3, 0, "--connectors")]
    [InlineData("ring", 3, 1, "--shape")]
    [InlineData("star", 1, 1, "--modes")]
    public void Impossible_shapes_are_refused_in_one_sentence_naming_the_flag(string shape, int modes, int connectors, string flag)
    {
        var e = Assert.Throws<IsthmusException>(() => SetShape.Check(shape, modes, connectors));
        Assert.Contains(flag, e.Message);
        Assert.EndsWith(".", e.Message);
    }
}
