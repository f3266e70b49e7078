namespace Isthmus.Cli;

/// <summary>Comma-separated numbers on the command line (<c>--dims 10,100,1000</c>), refused in one sentence when malformed.</summary>
internal static class NumberLists
{
    public static double[] Doubles(string? text, string flag, string example) =>
        Split(text).Select(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new IsthmusException($"{flag}: '{x}' is not a number; write e.g. {example}.")).ToArray();

    public static int[] Integers(string? text, string flag, string example) =>
        Split(text).Select(x => int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new IsthmusException($"{flag}: '{x}' is not a whole number; write e.g. {example}.")).ToArray();

    private static string[] Split(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
