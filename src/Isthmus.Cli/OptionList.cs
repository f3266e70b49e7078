namespace Isthmus.Cli;

internal static class OptionList
{
    /// <summary>Adds <paramref name="options"/> to <paramref name="command"/>, in the order its --help lists them.</summary>
    public static void AddOptions(this Command command, IEnumerable<Option> options)
    {
        foreach (var o in options) command.Options.Add(o);
    }
}
