namespace Isthmus.Cli.Commands;

internal static class EnsembleCommand
{
    public static Command Create()
    {
        var members = new Option<string[]?>("--members")
        {
            Description = "Members: train run folders, folders of member-<k>.safetensors (fge, sse), or checkpoint files (.safetensors, or PyTorch .pt/.pth/.bin state dicts).",
            AllowMultipleArgumentsPerToken = true,
        };
        var curve = new Option<string?>("--curve") { Description = "A finished `isthmus connect` folder: ensemble equally spaced points of its curve (A.6)." };
        var points = new Option<int>("--points") { Description = "With --curve: points t = 0 … 1 (the paper: 50).", DefaultValueFactory = _ => 50 };
        var temperature = new Option<bool>("--temperature-scale")
        {
            Description = "Fit one temperature per member on held-out data (the runs' --val split, else the last 5000 training examples).",
        };
        var checkpoints = new CheckpointKindOptions("members");
        var (data, model) = (checkpoints.Data, checkpoints.Model);
        var bn = EvalCurveCommand.BatchNormOption();
        var output = CommonOptions.Out();
        var invocation = new InvocationOptions();
        var command = new Command("ensemble", """
            Ensemble networks by averaging their softmax outputs (docs/science.md §4, §6). Each member's batch norm is recomputed
            and it is scored once on the test set. Writes ensemble.json (members, ensemble error/NLL/ECE/Brier,
            disagreement, distances between consecutive members, first-k ensembles, the SWA-style average of the
            weights), ensemble.csv and ensemble.png.

            Examples:
              ./isthmus ensemble --members runs/a runs/b runs/c --out runs/ind-ensemble
              ./isthmus ensemble --members runs/fge --temperature-scale --out runs/fge-ensemble
              ./isthmus ensemble --curve runs/polychain --points 50 --out runs/curve-ensemble
              ./isthmus ensemble --members a.safetensors b.safetensors --data mnist --model mlp --widths 800,800 --out runs/ens
            """);
        command.AddOptions([members, curve, points, temperature, data, .. model.All, bn, output, invocation.Force, invocation.DataRoot, invocation.Threads, invocation.Device]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var settings = invocation.Read(parse, new EnsembleSettings
            {
                Members = parse.GetValue(members) is { Length: > 0 } m ? m : null,
                Curve = parse.GetValue(curve),
                Points = parse.GetValue(points),
                Model = model.Read(parse),
                Data = parse.GetValue(data),
                TemperatureScale = parse.GetValue(temperature),
                BatchNormBatches = EvalCurveCommand.ReadBatchNorm(parse.GetValue(bn)!),
                Out = parse.GetValue(output)!,
            });
            var outcome = MemberProgressBar.Run(io, "ensemble", progress => EnsembleRecipe.Run(settings, null, progress, io.Info, ct));
            Figures.Draw(outcome);
            var e = outcome.Evaluation;
            var result = (JsonObject)outcome.Result.DeepClone();
            result["folder"] = outcome.Folder;
            // An ensemble of one network is that network; say so rather than let the numbers pass for an ensemble's.
            var who = e.Members.Count == 1 ? "1 member (an ensemble of one network is that network)" : Words.Count(e.Members.Count, "member");
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{who}: ensemble test error {e.Ensemble.Error:F2}% (NLL {e.Ensemble.Nll:F4}, ECE {e.Ensemble.Ece:F2}%, Brier {e.Ensemble.Brier:F4}) vs mean member {e.MeanMemberError:F2}% (NLL {e.MeanMemberNll:F4}); disagreement {100 * e.Disagreement:F2}%");
            if (e.Average is { } a) summary += string.Create(CultureInfo.InvariantCulture, $"; weight average {a.Error:F2}%");
            if (e.Compared.TryGetValue("endpoints", out var ends)) summary += string.Create(CultureInfo.InvariantCulture, $"; endpoint ensemble {ends.Error:F2}%");
            io.Result($"{summary} → {outcome.Folder}", result);
            return 0;
        }));
        return command;
    }
}
