namespace Isthmus.Tests.Sets;

/// <summary>Which simplex and which point of it a set trains at; volumes and the volume term.</summary>
public sealed class SimplexSamplerTests
{
    private static ParameterLayout Layout() => TinyLayout.Linear("a", 3, 2, Init.Uniform(1), Init.Normal(1));

    /// <summary>A space whose K control points are the given vectors of 9 numbers (a.weight then a.bias).</summary>
    private static WeightSpace SpaceOf(params double[][] points)
    {
        var space = WeightSpace.Create(Layout(), points.Length, seed: 1);
        for (int k = 0; k < points.Length; k++)
        {
            var v = points[k].Select(x => (float)x).ToArray();
            using var w = tensor(v[..6], [3, 2]);
            using var b = tensor(v[6..]);
            space.SetControl(k, 0, w);
            space.SetControl(k, 1, b);
        }
        return space;
    }

    private static double[] Point(double x, double y, double z = 0) => [x, y, z, 0, 0, 0, 0, 0, 0];

    [Fact]
    public void Simplices_are_drawn_in_proportion_to_their_edges()
    {
        // An edge (1 edge) and a triangle (3 edges): probabilities 1/4 and 3/4.
        var complex = new SimplicialComplex("test", 2, 1, [[0, 2], [0, 1, 2]], [[0.5, 0.5]]);
        var sampler = new SimplexSampler(complex);
        Assert.Equal([0.25, 0.75], sampler.Probabilities);
        using var generator = new Generator(3, CPU);
        const int draws = 20000;
        int triangles = 0;
        for (int i = 0; i < draws; i++)
        {
            var (simplex, weights) = sampler.Draw(generator);
            Assert.Equal(complex.Simplices[simplex].Count, weights.Length);
            if (simplex == 1) triangles++;
        }
        Assert.True(Math.Abs((double)triangles / draws - 0.75) < 5 * Math.Sqrt(0.75 * 0.25 / draws), $"triangle drawn {triangles} times of {draws}");
    }

    [Fact]
    public void Barycentric_points_at_the_vertices_of_every_simplex_are_the_control_points_bit_for_bit()
    {
        using var space = WeightSpace.Create(Layout(), controlPoints: 5, seed: 11);
        var complex = SetShape.Build("complex", 4, 1, (a, b) => 1);
        foreach (var (simplex, s) in complex.Simplices.Select((s, i) => (i, s)))
            for (int a = 0; a < s.Count; a++)
            {
                var weights = new double[s.Count];
                weights[a] = 1;
                space.MoveTo(complex.Coefficients(simplex, weights));
                for (int p = 0; p < 2; p++)
                    Assert.True(Tensors.Same(space.Control(s[a], p), space.Point(p)), $"simplex {complex.SimplexName(simplex)}, vertex {a}, parameter {p}");
            }
    }

    [Fact]
    public void Volumes_are_lengths_of_edges_and_areas_of_triangles()
    {
        using var space = SpaceOf(Point(0, 0), Point(3, 0), Point(0, 4), Point(1, 1, 1));
        var gram = ControlGram.Of(space);
        Assert.Equal(3, SimplexVolume.Of(gram, [0, 1]), 5);
        Assert.Equal(5, SimplexVolume.Of(gram, [1, 2]), 5);
        Assert.Equal(6, SimplexVolume.Of(gram, [0, 1, 2]), 5);
        Assert.Equal(2, SimplexVolume.Of(gram, [0, 1, 2, 3]), 5); // base 6 × height 1 / 3
    }

    [Fact]
    public void Volume_weighting_draws_simplices_in_proportion_to_their_volumes()
    {
        // Triangles (0, 1, c) of area 6 and (0, 2, c) of area 2 with the connector c at (0, 4) and the modes at (0,0), (3,0), (−1, 0).
        using var space = SpaceOf(Point(0, 0), Point(3, 0), Point(-1, 0), Point(0, 4));
        var complex = new SimplicialComplex("complex", 3, 1, [[0, 1, 3], [0, 2, 3]], [[1.0 / 3, 1.0 / 3, 1.0 / 3]]);
        var sampler = new SimplexSampler(complex, "volume");
        Assert.Equal([0.5, 0.5], sampler.Probabilities); // by edges until the first epoch measures volumes
        sampler.BeginEpoch(space, 0);
        Assert.Equal(0.75, sampler.Probabilities[0], 6);
        Assert.Equal(0.25, sampler.Probabilities[1], 6);
    }

    [Fact]
    public void The_volume_term_gradient_matches_finite_differences_and_reaches_only_trainable_vertices()
    {
        double[][] points = [[0.1, 0.2, -0.3, 0.4, 0.5, 0.1, -0.2, 0.3, 0.2], [1.0, -0.5, 0.2, 0.1, 0.3, -0.4, 0.6, 0.0, 0.1], [0.3, 0.9, 0.4, -0.2, 0.1, 0.5, 0.2, -0.6, 0.7]];
        const double lambda = 0.3;
        int[] triangle = [0, 1, 2];
        using var space = SpaceOf(points);
        space.SetTrainable(0, false);
        space.SetTrainable(1, false);
        space.ZeroGradients();
        SimplexVolume.AddLogVolumeGradient(space, triangle, lambda);
        var analytic = space.Control(2, 0).grad!.flatten().data<float>().Concat(space.Control(2, 1).grad!.data<float>()).ToArray();
        Assert.Null(space.Control(0, 0).grad);

        double Term(double[][] ps)
        {
            using var s = SpaceOf(ps);
            return -lambda * Math.Log(SimplexVolume.Of(ControlGram.Of(s), triangle));
        }
        const double h = 1e-4;
        for (int i = 0; i < 9; i++)
        {
            var plus = points.Select(p => p.ToArray()).ToArray();
            var minus = points.Select(p => p.ToArray()).ToArray();
            plus[2][i] += h;
            minus[2][i] -= h;
            double numeric = (Term(plus) - Term(minus)) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) < 2e-3 * Math.Max(1, Math.Abs(numeric)), $"coordinate {i}: analytic {analytic[i]:F5}, finite difference {numeric:F5}");
        }
    }
}
