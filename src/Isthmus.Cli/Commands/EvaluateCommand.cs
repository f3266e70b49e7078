using System.CommandLine;
using System.Text.Json.Nodes;
using Isthmus.Methods;
using Isthmus.Runs;

namespace Isthmus.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A finished train run folder.", Required = true };
        var data = CommonOptions.Data(required: false);
        data.Description = "Evaluate on another data set of the same shape (default: the run's own).";
        var dataRoot = CommonOptions.DataRoot();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("evaluate", """
            Score a trained network on its training and evaluation splits; writes evaluation.json into the run folder.

            Examples:
              ./isthmus evaluate --run runs/a
              ./isthmus evaluate --run runs/a --data fashion-mnist --json
            """);
        foreach (var o in new Option[] { run, data, dataRoot, threads, device }) command.Options.Add(o);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var outcome = EvaluateRecipe.Run(new EvaluateSettings
            {
                Run = parse.GetValue(run)!,
                Data = parse.GetValue(data),
                DataRoot = parse.GetValue(dataRoot),
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device)!,
            }, ct);
            var json = MetricsSection.Json(outcome.TrainLoss, outcome.Train, outcome.Test, outcome.IsText);
            json["file"] = outcome.File;
            io.Result($"evaluated {parse.GetValue(run)}: train loss {outcome.TrainLoss:F4}, train error {outcome.Train.Error:F2}%, test error {outcome.Test.Error:F2}% (NLL {outcome.Test.Nll:F4}) → {outcome.File}", json);
            return 0;
        }));
        return command;
    }
}
