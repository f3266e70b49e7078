using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Isthmus.Cli;

/// <summary>
/// Keeps command lists short and help pages teaching: a command's description may end with an "Examples:" block;
/// the block is cut from the description (so `isthmus --help` lists one paragraph per command) and printed after
/// that command's own help. The usage lines name the command as users type it (`isthmus`), not after the assembly.
/// </summary>
internal static class ExamplesHelp
{
    private const string Marker = "Examples:";

    public static void Install(RootCommand root)
    {
        var examples = new Dictionary<Command, string>();
        Collect(root, examples);
        foreach (var help in root.Options.OfType<HelpOption>())
            if (help.Action is HelpAction inner) help.Action = new WithExamples(inner, examples);
    }

    private static void Collect(Command command, Dictionary<Command, string> examples)
    {
        var text = command.Description;
        int at = text?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (text is not null && at >= 0)
        {
            examples[command] = text[at..].TrimEnd();
            command.Description = text[..at].TrimEnd();
        }
        foreach (var sub in command.Subcommands) Collect(sub, examples);
    }

    private sealed class WithExamples(HelpAction inner, IReadOnlyDictionary<Command, string> examples) : SynchronousCommandLineAction
    {
        /// <summary>Like the built-in help: `--help` works even when required options are missing.</summary>
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            var page = new StringWriter();
            int code;
            configuration.Output = page;
            try { code = inner.Invoke(parseResult); }
            finally { configuration.Output = output; }
            output.Write(page.ToString().Replace($"  {RootCommand.ExecutableName} ", "  isthmus ", StringComparison.Ordinal));
            if (examples.TryGetValue(parseResult.CommandResult.Command, out var text))
            {
                output.WriteLine(text);
                output.WriteLine();
            }
            return code;
        }
    }
}
