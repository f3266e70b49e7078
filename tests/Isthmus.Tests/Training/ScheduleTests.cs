namespace Isthmus.Tests.Training;

public sealed class ScheduleTests
{
    /// <summary>The reference's learning_rate_schedule, written out: epochs counted from 1, α = epoch / epochs.</summary>
    private static double ReferenceFactor(int epoch1, int epochs)
    {
        double alpha = (double)epoch1 / epochs;
        return alpha <= 0.5 ? 1.0 : alpha <= 0.9 ? 1.0 - (alpha - 0.5) / 0.4 * 0.99 : 0.01;
    }

    [Theory]
    // 10 epochs, 0-based epoch here, the reference's 1-based epoch = epoch + 1.
    [InlineData(0, 10, 1.0)]
    [InlineData(4, 10, 1.0)]        // epoch 5 of 10: α = 0.5, the last at the full rate
    [InlineData(5, 10, 0.7525)]     // epoch 6: 1 − (0.6 − 0.5)/0.4·0.99
    [InlineData(6, 10, 0.505)]
    [InlineData(7, 10, 0.2575)]
    [InlineData(8, 10, 0.01)]       // epoch 9: α = 0.9, the floor
    [InlineData(9, 10, 0.01)]
    [InlineData(74, 150, 1.0)]      // epoch 75 of 150: α = 0.5
    [InlineData(75, 150, 1.0 - (76.0 / 150 - 0.5) / 0.4 * 0.99)]
    [InlineData(119, 150, 1.0 - (120.0 / 150 - 0.5) / 0.4 * 0.99)]
    [InlineData(134, 150, 0.01)]    // epoch 135: α = 0.9
    [InlineData(99, 200, 1.0)]
    [InlineData(100, 200, 1.0 - (101.0 / 200 - 0.5) / 0.4 * 0.99)]
    [InlineData(179, 200, 0.01)]
    [InlineData(199, 200, 0.01)]
    public void Standard_schedule_matches_the_reference_counting_epochs_from_one(int epoch, int epochs, double factor)
    {
        var s = new StandardSchedule(0.1);
        double rate = s.Rate(new TrainingClock(epoch, 17, 469, epochs));
        Assert.Equal(0.1 * factor, rate, 12);
        Assert.Equal(0.1 * ReferenceFactor(epoch + 1, epochs), rate, 12);
    }

    [Fact]
    public void Standard_schedule_agrees_with_the_reference_formula_at_every_epoch()
    {
        var s = new StandardSchedule(1.0);
        foreach (int epochs in new[] { 10, 150, 200 })
            for (int e = 0; e < epochs; e++)
                Assert.Equal(ReferenceFactor(e + 1, epochs), s.Rate(new TrainingClock(e, 0, 10, epochs)), 12);
    }

    [Fact]
    public void Standard_schedule_is_constant_within_an_epoch()
    {
        var s = new StandardSchedule(0.05);
        Assert.Equal(s.Rate(new TrainingClock(7, 0, 100, 10)), s.Rate(new TrainingClock(7, 99, 100, 10)));
    }

    [Fact]
    public void Cosine_schedule_starts_at_the_base_rate_halves_at_the_middle_and_nears_zero_at_the_end()
    {
        var s = new CosineSchedule(0.2);
        Assert.Equal(0.2, s.Rate(new TrainingClock(0, 0, 100, 4)), 12);
        Assert.Equal(0.1, s.Rate(new TrainingClock(2, 0, 100, 4)), 12);
        Assert.Equal(0.2 / 2 * (1 + Math.Cos(Math.PI * 399 / 400)), s.Rate(new TrainingClock(3, 99, 100, 4)), 12);
    }

    [Fact]
    public void Unknown_schedule_names_the_choices()
    {
        var e = Assert.Throws<IsthmusException>(() => Schedules.Create("linear", 0.1));
        Assert.Contains("standard", e.Message);
    }
}
