namespace Isthmus.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A finished train run folder, or a checkpoint file (.safetensors) with --data and --model.", Required = true };
        var data = CommonOptions.Data(required: false);
        data.Description = "With a run folder: evaluate on another data set of the same shape (default: the run's own). With a checkpoint: its data set.";
        var model = new ModelOptions();
        model.Model.Description = "With a checkpoint: its architecture (" + string.Join(", ", Nn.ModelZoo.Names) + ").";
        var output = new Option<string?>("--out") { Description = "Write evaluation.json into this folder (default: the run folder, or <checkpoint>.evaluation.json beside a checkpoint)." };
        var strict = new Option<bool>("--strict") { Description = "Exit with code 2 when the network's outputs are NaN or infinite (diverged weights) instead of only warning." };
        var invocation = new InvocationOptions();
        var command = new Command("evaluate", """
            Score a trained network on its training and evaluation splits (batch norm recomputed first, as every command
            does) and write evaluation.json. Takes a train run folder, or a bare checkpoint with --data and --model.
            A network whose outputs are NaN or infinite gets a warning (exit code 2 with --strict).

            Examples:
              ./isthmus evaluate --run runs/a
              ./isthmus evaluate --run runs/a --data fashion-mnist --json
              ./isthmus evaluate --run runs/a/model.safetensors --data mnist --model mlp --widths 800,800 --out runs/a-again
            """);
        command.AddOptions([run, data, .. model.All, output, strict, invocation.DataRoot, invocation.Threads, invocation.Device]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var outcome = EvaluateRecipe.Run(invocation.Read(parse, new EvaluateSettings
            {
                Run = parse.GetValue(run)!,
                Data = parse.GetValue(data),
                Model = model.Read(parse),
                Out = parse.GetValue(output),
            }), ct);
            var json = MetricsSection.Json(outcome.TrainLoss, outcome.Train, outcome.Test, outcome.IsText);
            json["non_finite_outputs"] = outcome.NonFinite;
            json["file"] = outcome.File;
            if (outcome.NonFinite)
                io.Warn($"{parse.GetValue(run)} produces non-finite outputs (NaN or ∞): its weights have diverged, so the numbers below mean nothing; retrain it with a lower --lr.");
            var scores = outcome.IsText
                ? $"train perplexity {outcome.Train.Perplexity:F1}, test perplexity {outcome.Test.Perplexity:F1} (NLL {outcome.Test.Nll:F4})"
                : $"train loss {outcome.TrainLoss:F4}, train error {outcome.Train.Error:F2}%, test error {outcome.Test.Error:F2}% (NLL {outcome.Test.Nll:F4})";
            io.Result($"evaluated {parse.GetValue(run)}: {scores} → {outcome.File}", json);
            return outcome.NonFinite && parse.GetValue(strict) ? CommandRunner.UserError : 0;
        }));
        return command;
    }
}
