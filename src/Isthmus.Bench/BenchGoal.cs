namespace Isthmus.Bench;

/// <summary>
/// What a benchmark row should show, as text and, where it is a bound on the ratio, as a number the row's result is
/// judged against (<see cref="BenchRow.Verdict"/>).
/// </summary>
public sealed record BenchGoal(string Text, double? AtMost = null, double? AtLeast = null, string? NotApplicable = null, bool? Met = null)
{
    /// <summary>No goal: the row is reported for information.</summary>
    public static BenchGoal None { get; } = new("—");

    public static BenchGoal Below(double bound, string? text = null) =>
        new(text ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"≤ {bound:0.00}"), AtMost: bound);

    public static BenchGoal Above(double bound, string? text = null) =>
        new(text ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"≥ {bound:0.0}"), AtLeast: bound);

    /// <summary>A goal the row judges itself (e.g. a difference rather than the ratio).</summary>
    public static BenchGoal Judged(string text, bool met) => new(text, Met: met);

    /// <summary>A goal that does not apply on this machine, with the reason.</summary>
    public BenchGoal Unless(string? reason) => reason is null ? this : this with { NotApplicable = reason };

    /// <summary>
    /// "met", "not met", "at the edge" (the ratio's 95 % confidence interval contains the bound), "n/a: why", or null
    /// when there is no goal. Without an interval the ratio itself is compared.
    /// </summary>
    public string? Judge(double ratio, double? low, double? high)
    {
        if (NotApplicable is { } why) return "n/a: " + why;
        if (Met is { } met) return met ? "met" : "not met";
        double lo = low ?? ratio, hi = high ?? ratio;
        if (AtMost is { } most) return hi <= most ? "met" : lo > most ? "not met" : "at the edge";
        if (AtLeast is { } least) return lo >= least ? "met" : hi < least ? "not met" : "at the edge";
        return null;
    }
}
