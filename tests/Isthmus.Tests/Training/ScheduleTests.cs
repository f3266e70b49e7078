namespace Isthmus.Tests.Training;

public sealed class ScheduleTests
{
    [Theory]
    // The reference code's learning_rate_schedule for 10 epochs: α = epoch/10.
    [InlineData(0, 1.0)]
    [InlineData(5, 1.0)]          // α = 0.5: still the full rate
    [InlineData(6, 0.7525)]       // 1 − (0.6 − 0.5)/0.4·0.99
    [InlineData(7, 0.505)]
    [InlineData(9, 0.01)]         // α = 0.9: the floor
    public void Standard_schedule_matches_the_reference_at_chosen_epochs(int epoch, double factor)
    {
        var s = new StandardSchedule(0.1);
        Assert.Equal(0.1 * factor, s.Rate(new TrainingClock(epoch, 17, 469, 10)), 12);
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
