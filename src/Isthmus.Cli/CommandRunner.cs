namespace Isthmus.Cli;

/// <summary>
/// Runs a command with the project's error contract: a user problem prints one sentence and exits 2; Ctrl-C
/// stops cleanly (exit 130) and says how to resume; anything else is a bug, shown with its stack trace only
/// under --verbose.
/// </summary>
internal static class CommandRunner
{
    public const int UserError = 2;
    public const int Interrupted = 130;

    private static readonly CancellationTokenSource Cancel = new();

    public static int Invoke(RootCommand root, string[] args)
    {
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // let the running step finish and the command clean up
            Cancel.Cancel();
        };
        ExamplesHelp.Install(root);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command;
            var name = command == root ? "isthmus" : $"isthmus {FullName(command)}";
            Console.Error.WriteLine($"error: {parse.Errors[0].Message.TrimEnd('.')}; see `{name} --help`.");
            return UserError;
        }
        return parse.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>Wraps a command body with the error contract.</summary>
    public static Func<ParseResult, int> Guard(Func<ParseResult, Output, CancellationToken, int> body) => parse =>
    {
        var output = new Output(parse);
        try
        {
            RequireSomethingToResume(parse);
            if (parse.GetValue(GlobalOptions.EvalBatchSize) is { } evalBatch)
                Isthmus.Evaluation.EvaluationBatch.Size = evalBatch >= 1 ? evalBatch
                    : throw new IsthmusException($"--eval-batch-size must be at least 1 (got {evalBatch}).");
            if (parse.GetValue(GlobalOptions.StackMemory) is { } stackMiB)
            {
                Isthmus.Evaluation.PointEvaluator.ProcessStackMemoryBytes = stackMiB >= 0 ? (long)stackMiB << 20
                    : throw new IsthmusException($"--stack-memory must not be negative (got {stackMiB}); e.g. --stack-memory 512.");
                Isthmus.Evaluation.PointEvaluator.ProcessStacksConvolutions = true;
            }
            return body(parse, output, Cancel.Token);
        }
        catch (IsthmusException e)
        {
            RunDirectory.RemoveUnstarted();
            Console.Error.WriteLine($"error: {e.Message}");
            if (output.Verbose) Console.Error.WriteLine(e);
            return UserError;
        }
        catch (OperationCanceledException)
        {
            // Only commands that can continue say how; the others keep what they wrote so far (and say so themselves).
            bool resumable = parse.CommandResult.Command.Options.Any(o => o.Name == "--resume");
            Console.Error.WriteLine(resumable
                ? "interrupted: nothing was marked complete; run the same command with --resume to continue from the last finished epoch."
                : "interrupted: nothing was marked complete.");
            return Interrupted;
        }
        catch (Exception e)
        {
            RunDirectory.RemoveUnstarted();
            Console.Error.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message} (this is a bug in Isthmus; rerun with --verbose for the stack trace and report it).");
            if (output.Verbose) Console.Error.WriteLine(e);
            return 1;
        }
    };

    /// <summary>
    /// <c>--resume</c> continues the run in <c>--out</c>; with no run there it is refused before anything else is read
    /// (the same rule for every command that takes it).
    /// </summary>
    private static void RequireSomethingToResume(ParseResult parse)
    {
        var options = parse.CommandResult.Command.Options;
        if (options.FirstOrDefault(o => o.Name == "--resume") is not Option<bool> resume || !parse.GetValue(resume)) return;
        if (options.FirstOrDefault(o => o.Name == "--out") is not Option<string> output || parse.GetValue(output) is not { } folder) return;
        if (!Directory.Exists(folder) || !Directory.EnumerateFileSystemEntries(folder).Any())
            throw new IsthmusException($"There is nothing to resume in {folder}: no run was started there; run the same command without --resume to start one (see `isthmus {FullName(parse.CommandResult.Command)} --help`).");
    }

    private static string FullName(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && s is not RootCommand; s = c.Parents.FirstOrDefault() as Symbol)
            names.Insert(0, c.Name);
        return string.Join(' ', names);
    }
}
