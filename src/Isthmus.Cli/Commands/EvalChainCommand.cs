namespace Isthmus.Cli.Commands;

internal static class EvalChainCommand
{
    public static Command Create()
    {
        var members = new Option<string>("--members") { Description = "A finished `isthmus fge` or `isthmus sse` folder (member-1.safetensors, member-2.safetensors, ...).", Required = true };
        var perSegment = new Option<int>("--points-per-segment") { Description = "Grid intervals between consecutive members (each member sits on a grid point).", DefaultValueFactory = _ => 10 };
        var bn = EvalCurveCommand.BatchNormOption();
        var output = CommonOptions.Out(required: false);
        output.Description = "Folder to write (default: the --members folder itself; re-evaluating replaces its chain.* files).";
        var invocation = new InvocationOptions();
        var command = new Command("eval-chain", """
            Evaluate the polygonal chain through consecutive FGE (or SSE) members like a curve (Garipov et al. 2018, A.10,
            Fig. 8): train loss and error, test NLL and error along w1 → w2 → … → wn, with batch norm recomputed at every
            point. Writes chain.json (the keys of curve.json, plus each member's t), chain.csv and chain.png.

            Examples:
              ./isthmus eval-chain --members runs/a-fge
              ./isthmus eval-chain --members runs/a-fge --points-per-segment 4 --out runs/a-fge-chain
            """);
        command.AddOptions([members, perSegment, bn, output, invocation.Force, invocation.DataRoot, invocation.Threads, invocation.Device]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var settings = invocation.Read(parse, new EvalChainSettings
            {
                Members = parse.GetValue(members)!,
                PointsPerSegment = parse.GetValue(perSegment),
                BatchNormBatches = EvalCurveCommand.ReadBatchNorm(parse.GetValue(bn)!),
                Out = parse.GetValue(output),
            });
            var outcome = GridProgressBar.Run(io, "eval-chain", progress => EvalChainRecipe.Run(settings, progress, io.Info, ct));
            Figures.Draw(outcome);
            var c = outcome.Chain;
            var loss = c.Stats(c.Arrays.First(a => a.Name == "train_loss").Values);
            var error = c.Stats(c.Arrays.First(a => a.Name == "test_error").Values);
            var result = (JsonObject)outcome.Result.DeepClone();
            result["folder"] = outcome.Folder;
            io.Result(string.Create(CultureInfo.InvariantCulture,
                $"chain through {Words.Count(outcome.Members, "member")} over {Words.Count(c.Points.Count, "point")} ({c.SecondsPerPoint:F1} s/point): train loss min/int/max {loss.Min:F4}/{loss.Int:F4}/{loss.Max:F4}, test error min/int/max {error.Min:F2}/{error.Int:F2}/{error.Max:F2}% → {outcome.Folder}"), result);
            return 0;
        }));
        return command;
    }
}
