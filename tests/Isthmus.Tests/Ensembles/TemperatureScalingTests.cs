namespace Isthmus.Tests.Ensembles;

/// <summary>Temperature scaling (Guo et al. 2017) recovers a known temperature.</summary>
public sealed class TemperatureScalingTests
{
    /// <summary>Logits of a calibrated model: labels are drawn from softmax(z) itself.</summary>
    private static (Tensor Z, Tensor Y) Calibrated(int n = 20000, int classes = 10)
    {
        using var g = new Generator(7);
        var z = randn([n, classes], ScalarType.Float64, generator: g).mul(2.0);
        var y = multinomial(z.softmax(1), 1, generator: g).squeeze(1);
        return (z, y);
    }

    [Fact]
    public void Logits_of_a_calibrated_model_scaled_by_3_give_a_temperature_near_3()
    {
        var (z, y) = Calibrated();
        double t = TemperatureScaling.Fit(z.mul(3.0), y);
        Assert.InRange(t, 2.85, 3.15);
        Assert.True(TemperatureScaling.Nll(z.mul(3.0), y, t) < TemperatureScaling.Nll(z.mul(3.0), y, 1.0));
    }

    [Fact]
    public void A_calibrated_model_keeps_a_temperature_near_1_and_the_fit_is_deterministic()
    {
        var (z, y) = Calibrated();
        double t = TemperatureScaling.Fit(z, y);
        Assert.InRange(t, 0.95, 1.05);
        Assert.Equal(t, TemperatureScaling.Fit(z, y));
    }

    [Fact]
    public void The_fitted_temperature_minimises_the_held_out_nll()
    {
        var (z, y) = Calibrated(n: 4000);
        var logits = z.mul(0.5);   // under-confident: T < 1 sharpens
        double t = TemperatureScaling.Fit(logits, y);
        Assert.InRange(t, 0.4, 0.6);
        double best = TemperatureScaling.Nll(logits, y, t);
        foreach (var other in new[] { t * 0.97, t * 1.03 })
            Assert.True(best <= TemperatureScaling.Nll(logits, y, other));
    }
}
