namespace Isthmus.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data(required: false);
        var model = new ModelOptions();
        var sgd = new SgdOptions();
        var wd = new Option<double>("--wd") { Description = "Weight decay (L2 coefficient).", DefaultValueFactory = _ => 5e-4 };
        var invocation = new InvocationOptions();
        var val = CommonOptions.Val();
        var subset = CommonOptions.Subset();
        var precision = CommonOptions.Precision();
        var output = CommonOptions.Out();

        var command = new Command("train", """
            Train one network with the reference schedule; writes model.safetensors, metrics.csv and manifest.json to --out.

            Examples:
              ./isthmus train --data mnist --model mlp --epochs 10 --seed 1 --out runs/a
              ./isthmus train --data fashion-mnist --model convfc --bn --width-factor 0.5 --epochs 20 --out runs/cnn
              ./isthmus train --out runs/a --resume        (continue an interrupted run)
            """);
        command.AddOptions([data, .. model.All, sgd.Epochs, sgd.BatchSize, sgd.Lr, sgd.Momentum, wd, sgd.Schedule, sgd.Seed, sgd.SaveEvery, sgd.Clip, invocation.DataRoot, val, subset, invocation.Threads, invocation.Device, precision, output, invocation.Force, sgd.Resume]);

        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var (dataName, spec) = model.ReadForNewRun(parse, data, parse.GetValue(sgd.Resume), "train");
            var settings = invocation.Read(parse, sgd.Read(parse, new TrainSettings
            {
                Data = dataName,
                Model = spec,
                Out = parse.GetValue(output)!,
                WeightDecay = parse.GetValue(wd),
                Val = parse.GetValue(val),
                Subset = parse.GetValue(subset),
                Precision = parse.GetValue(precision)!,
            }));
            var outcome = TrainingProgressBar.Run(io, "train", progress => TrainRecipe.Run(settings, progress, io.Info, ct));
            var json = new JsonObject
            {
                ["run"] = outcome.RunPath,
                ["already_complete"] = outcome.AlreadyComplete,
                ["final"] = MetricsSection.Json(outcome.TrainLoss, outcome.Train, outcome.Test, outcome.IsText),
                ["seconds"] = Math.Round(outcome.Seconds, 2),
            };
            var note = outcome.AlreadyComplete ? " (already complete; nothing to do)" : $" in {outcome.Seconds:F0} s";
            var score = outcome.IsText ? $"test perplexity {outcome.Test.Perplexity:F1}" : $"test error {outcome.Test.Error:F2}%";
            io.Result($"trained {settings.Out}{note}: train loss {outcome.TrainLoss:F4}, {score} (NLL {outcome.Test.Nll:F4})", json);
            return 0;
        }));
        return command;
    }
}
