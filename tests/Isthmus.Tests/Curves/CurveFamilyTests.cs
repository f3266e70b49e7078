namespace Isthmus.Tests.Curves;

/// <summary>The coefficient functions c_k(t) of docs/science.md §1, for every family and several numbers of bends.</summary>
public sealed class CurveFamilyTests
{
    public static TheoryData<string, int> Families => new()
    {
        { "segment", 0 }, { "bezier", 1 }, { "bezier", 2 }, { "bezier", 3 }, { "polychain", 1 }, { "polychain", 2 }, { "polychain", 4 },
    };

    private static double[] Unit(int length, int at)
    {
        var e = new double[length];
        e[at] = 1;
        return e;
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void At_t0_the_curve_is_the_start_endpoint_and_at_t1_the_end_endpoint(string name, int bends)
    {
        var family = CurveFamily.Create(name, bends);
        Assert.Equal(Unit(family.ControlPoints, 0), family.Coefficients(0.0));
        Assert.Equal(Unit(family.ControlPoints, family.ControlPoints - 1), family.Coefficients(1.0));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Coefficients_sum_to_one_and_are_never_negative(string name, int bends)
    {
        var family = CurveFamily.Create(name, bends);
        Span<double> c = stackalloc double[family.ControlPoints];
        for (int i = 0; i <= 1000; i++)
        {
            double t = i / 1000.0;
            family.Coefficients(t, c);
            double sum = 0;
            foreach (var ck in c)
            {
                Assert.True(ck >= 0, $"c(t = {t}) has a negative coefficient");
                sum += ck;
            }
            Assert.Equal(1.0, sum, 1e-12);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Polychain_passes_exactly_through_bend_k_at_its_bend_time(int bends)
    {
        var family = new PolyChain(bends);
        for (int k = 1; k <= bends; k++)
        {
            Assert.Equal((double)k / (bends + 1), family.BendTime(k));
            Assert.Equal(Unit(family.ControlPoints, k), family.Coefficients(family.BendTime(k)));
        }
    }

    [Fact]
    public void Polychain_between_bends_mixes_only_the_two_neighbours_linearly()
    {
        var c = new PolyChain(2).Coefficients(0.5); // halfway between bend 1 (t = 1/3) and bend 2 (t = 2/3)
        Assert.Equal(new[] { 0.0, 0.5, 0.5, 0.0 }, c.Select(x => Math.Round(x, 12)));
    }

    [Fact]
    public void Bezier_with_one_bend_is_the_quadratic_of_the_paper()
    {
        var family = new Bezier(1);
        foreach (var t in new[] { 0.0, 0.1, 0.25, 0.5, 0.7, 0.93, 1.0 })
        {
            var c = family.Coefficients(t);
            Assert.Equal((1 - t) * (1 - t), c[0], 1e-15);
            Assert.Equal(2 * t * (1 - t), c[1], 1e-15);
            Assert.Equal(t * t, c[2], 1e-15);
        }
    }

    [Fact]
    public void Bezier_with_two_bends_has_binomial_weights()
    {
        var c = new Bezier(2).Coefficients(0.3);
        Assert.Equal(Math.Pow(0.7, 3), c[0], 1e-15);
        Assert.Equal(3 * 0.3 * 0.7 * 0.7, c[1], 1e-15);
        Assert.Equal(3 * 0.3 * 0.3 * 0.7, c[2], 1e-15);
        Assert.Equal(Math.Pow(0.3, 3), c[3], 1e-15);
    }

    [Fact]
    public void Segment_is_the_straight_line()
    {
        Assert.Equal(new[] { 0.75, 0.25 }, new Segment().Coefficients(0.25));
        Assert.Equal(2, new Segment().ControlPoints);
    }
}
