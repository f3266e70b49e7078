namespace Isthmus.Cli;

/// <summary>Counts in messages: "1 member", "2 members".</summary>
internal static class Words
{
    /// <summary><paramref name="n"/> and <paramref name="noun"/>, plural unless n is 1 (<paramref name="plural"/> for irregular nouns).</summary>
    public static string Count(long n, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? noun : plural ?? noun + "s")}");
}
