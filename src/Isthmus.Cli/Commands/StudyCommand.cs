namespace Isthmus.Cli.Commands;

internal static class StudyCommand
{
    public static Command Create()
    {
        var command = new Command("study", "Experiments that chain training, curves and evaluation across a sweep, with a table and a plot.");
        command.Subcommands.Add(Parametrization());
        command.Subcommands.Add(CutsStudyCommand.Create());
        command.Subcommands.Add(HyperparametersStudyCommand.Create());
        command.Subcommands.Add(DiversityStudyCommand.Create());
        return command;
    }

    private static Command Parametrization()
    {
        var data = CommonOptions.Data();
        var model = new Option<string>("--model") { Description = "Architecture whose width is scaled (convfc).", DefaultValueFactory = _ => "convfc" };
        var widths = new Option<string>("--width-factors") { Description = "Width factors K, comma-separated.", DefaultValueFactory = _ => "0.3,0.5,0.8,1" };
        var bn = new Option<bool>("--bn") { Description = "Add batch normalisation." };
        var epochs = new Option<int>("--epochs") { Description = "Epochs for each endpoint.", DefaultValueFactory = _ => 10 };
        var curveEpochs = new Option<int>("--curve-epochs") { Description = "Epochs for each Bezier curve.", DefaultValueFactory = _ => 10 };
        var points = new Option<int>("--points") { Description = "Points at which each curve and segment are evaluated.", DefaultValueFactory = _ => 21 };
        var lr = new Option<double>("--lr") { Description = "Base learning rate (endpoints and curves).", DefaultValueFactory = _ => 0.05 };
        var wd = new Option<double>("--wd") { Description = "Weight decay.", DefaultValueFactory = _ => 5e-4 };
        var seed = new Option<long>("--seed") { Description = "Seed of the first endpoint (the second uses seed + 1).", DefaultValueFactory = _ => 1 };
        var subset = CommonOptions.Subset();
        var invocation = new InvocationOptions();
        var output = CommonOptions.Out();
        var resume = CommonOptions.Resume();
        var command = new Command("parametrization", """
            Over-parametrisation (Garipov et al. 2018, A.7): for each width factor K, train two networks K times as wide,
            connect them by a Bezier curve, and evaluate the curve and the segment. Writes parametrization.json/.csv/.png
            and one run folder per step under K=<k>/ (a stopped study continues with --resume).

            Examples:
              ./isthmus study parametrization --data fashion-mnist --width-factors 0.3,0.5,0.8,1 --epochs 10 --out runs/width
              ./isthmus study parametrization --data mnist --width-factors 0.25,1 --epochs 2 --curve-epochs 2 --subset 5000 --out runs/width-quick
            """);
        command.AddOptions([data, model, widths, bn, epochs, curveEpochs, points, lr, wd, seed, subset, invocation.DataRoot, invocation.Threads, invocation.Device, output, invocation.Force, resume]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var factors = parse.GetValue(widths)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                    : throw new IsthmusException($"--width-factors: '{x}' is not a number; write e.g. 0.3,0.5,0.8,1.")).ToArray();
            var settings = invocation.Read(parse, new ParametrizationSettings
            {
                Data = parse.GetValue(data)!, Model = parse.GetValue(model)!, WidthFactors = factors, BatchNorm = parse.GetValue(bn),
                Epochs = parse.GetValue(epochs), CurveEpochs = parse.GetValue(curveEpochs), Points = parse.GetValue(points),
                Lr = parse.GetValue(lr), WeightDecay = parse.GetValue(wd), Seed = parse.GetValue(seed), Subset = parse.GetValue(subset),
                Out = parse.GetValue(output)!, Resume = parse.GetValue(resume),
            });
            var outcome = TrainingProgressBar.Run(io, "study", progress => ParametrizationStudy.Run(settings, io.Info, progress, ct));
            Figures.Draw(outcome);
            var rows = outcome.Rows;
            var json = new JsonObject
            {
                ["out"] = settings.Out,
                ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                {
                    ["width_factor"] = r.WidthFactor, ["curve_train_loss_max"] = r.CurveLossMax,
                    ["endpoint_train_loss_max"] = r.EndpointLossMax, ["length_ratio"] = r.LengthRatio,
                }).ToArray()),
            };
            io.Result($"study written to {settings.Out}: " + string.Join("; ", rows.Select(r =>
                $"K={r.WidthFactor}: curve max loss {r.CurveLossMax:F3} (endpoints {r.EndpointLossMax:F3}), length ratio {r.LengthRatio:F2}")), json);
            return 0;
        }));
        return command;
    }
}
