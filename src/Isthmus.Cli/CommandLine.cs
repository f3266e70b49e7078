using Isthmus.Cli.Commands;

namespace Isthmus.Cli;

/// <summary>The <c>isthmus</c> command and all its subcommands (built once per process; tests parse against it).</summary>
internal static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("""
            Isthmus: the geometry of neural-network loss surfaces — curves and subspaces that connect trained networks,
            the loss surface through them, and Fast Geometric Ensembling.

            Quick start:
              ./isthmus demo --quick --out runs/demo          (everything, in a few minutes; open runs/demo/report.html)
              ./isthmus train --data mnist --model mlp --epochs 10 --seed 1 --out runs/a
              ./isthmus train --data mnist --model mlp --epochs 10 --seed 2 --out runs/b
              ./isthmus connect --from runs/a --to runs/b --curve bezier --out runs/bezier
              ./isthmus eval-curve --run runs/bezier --with-segment
              ./isthmus report --runs runs
            """);
        foreach (var option in GlobalOptions.All) root.Options.Add(option);
        root.Subcommands.Add(DemoCommand.Create(root));
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ConnectCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(EvalCurveCommand.Create());
        root.Subcommands.Add(AlignCommand.Create());
        root.Subcommands.Add(PlaneCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(EnsembleCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(FgeCommand.Create());
        root.Subcommands.Add(SseCommand.Create());
        root.Subcommands.Add(EvalChainCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ConnectSetCommand.Create());
        root.Subcommands.Add(EvalSetCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        return root;
    }
}
