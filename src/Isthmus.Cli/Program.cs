using Isthmus.Cli;

Isthmus.Platform.Startup.Prepare();
// A table written to a file or a pipe has no terminal to fit: give it room instead of Spectre's 80 columns.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 160;

return CommandRunner.Invoke(CommandLine.Build(), args);
