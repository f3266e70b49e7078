using System.CommandLine;
using System.Text.RegularExpressions;
using Isthmus.Cli;

namespace Isthmus.Tests.Cli;

/// <summary>
/// Every example in every command's help parses against that command's options as a user would paste it after the
/// README's set-up, and no help text points outside the repository.
/// </summary>
public sealed partial class HelpExamplesTests
{
    [GeneratedRegex(@"^\s*\./isthmus (?<args>.+?)(?:\s{2,}\(.*\))?\s*$", RegexOptions.Multiline)]
    private static partial Regex Example();

    private static IEnumerable<Command> AllCommands(Command command) =>
        command.Subcommands.SelectMany(AllCommands).Prepend(command);

    [Fact]
    public void Every_help_example_parses_and_no_help_text_points_outside_the_repository()
    {
        var root = CommandLine.Build();
        int examples = 0;
        foreach (var command in AllCommands(root))
        {
            var texts = command.Options.Select(o => o.Description ?? "").Append(command.Description ?? "");
            foreach (var text in texts)
                Assert.DoesNotMatch(@"SCIENCE|PLATFORM\.md|\.\./shared|[Ii]ssue [0-9]", text);
            foreach (Match m in Example().Matches(command.Description ?? ""))
            {
                var line = m.Groups["args"].Value.Split(" #")[0].Split(" > ")[0].Split(" | ")[0]; // shell comments, redirections and pipes are the shell's
                var args = Regex.Matches(line, "\"[^\"]*\"|\\S+").Select(w => w.Value.Trim('"')).ToArray(); // words, "quoted words" as one
                var parse = root.Parse(args);
                Assert.True(parse.Errors.Count == 0, $"`./isthmus {line}`: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
                examples++;
            }
        }
        Assert.True(examples >= 40, $"only {examples} examples found");
    }
}
