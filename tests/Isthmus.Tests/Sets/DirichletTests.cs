namespace Isthmus.Tests.Sets;

/// <summary>Barycentric weights ~ Dirichlet(1): normalised Exp(1) draws, uniform on the simplex.</summary>
public sealed class DirichletTests
{
    /// <summary>A complex with one simplex of <paramref name="n"/> vertices (n − 1 modes and one connector).</summary>
    private static SimplicialComplex OneSimplex(int n) =>
        new("test", n - 1, 1, [Enumerable.Range(0, n).ToArray()], [Enumerable.Repeat(1.0 / (n - 1), n - 1).ToArray()]);

    [Fact]
    public void Weights_are_normalised_exponentials_of_the_uniforms()
    {
        // −log(1 − U) = 1, 2, 3 for these uniforms, so λ = (1, 2, 3)/6.
        double[] u = [1 - Math.Exp(-1), 1 - Math.Exp(-2), 1 - Math.Exp(-3)];
        var w = new double[3];
        Dirichlet.Uniform(u, w);
        Assert.Equal(1.0 / 6, w[0], 12);
        Assert.Equal(2.0 / 6, w[1], 12);
        Assert.Equal(3.0 / 6, w[2], 12);
    }

    [Fact]
    public void Uniforms_of_zero_give_the_centroid_rather_than_a_division_by_zero()
    {
        var w = new double[4];
        Dirichlet.Uniform(new double[4], w);
        Assert.All(w, x => Assert.Equal(0.25, x));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Drawn_weights_have_the_moments_of_the_uniform_distribution_on_the_simplex(int n)
    {
        var sampler = new SimplexSampler(OneSimplex(n));
        using var generator = new Generator(17, CPU);
        const int draws = 40000;
        var sum = new double[n];
        var squares = new double[n];
        int firstAboveHalf = 0;
        for (int i = 0; i < draws; i++)
        {
            var (simplex, w) = sampler.Draw(generator);
            Assert.Equal(0, simplex);
            Assert.Equal(1.0, w.Sum(), 12);
            Assert.All(w, x => Assert.InRange(x, 0.0, 1.0));
            for (int a = 0; a < n; a++)
            {
                sum[a] += w[a];
                squares[a] += w[a] * w[a];
            }
            if (w[0] > 0.5) firstAboveHalf++;
        }
        // Dirichlet(1, …, 1): E λ_a = 1/n, Var λ_a = (n − 1)/(n²(n + 1)), P(λ_1 > ½) = (½)^(n−1).
        double mean = 1.0 / n, variance = (n - 1.0) / (n * n * (n + 1.0));
        for (int a = 0; a < n; a++)
        {
            double m = sum[a] / draws, v = squares[a] / draws - m * m;
            Assert.True(Math.Abs(m - mean) < 5 * Math.Sqrt(variance / draws), $"n = {n}, weight {a}: mean {m:F5}, expected {mean:F5}");
            Assert.True(Math.Abs(v - variance) < 0.04 * variance, $"n = {n}, weight {a}: variance {v:F6}, expected {variance:F6}");
        }
        Assert.Equal(Math.Pow(0.5, n - 1), (double)firstAboveHalf / draws, 2);
    }
}
