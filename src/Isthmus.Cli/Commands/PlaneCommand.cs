namespace Isthmus.Cli.Commands;

internal static class PlaneCommand
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "A finished `isthmus connect` folder: the plane through its start, middle bend and end." };
        var points = CommonOptions.Runs("--points", "Three finished train runs: the plane through them (needs --out).");
        var grid = new Option<int>("--grid") { Description = "Grid points per axis (the reference: 21).", DefaultValueFactory = _ => 21 };
        var margin = new Option<double>("--margin") { Description = "Margin beyond the projected points, as a fraction of their extent.", DefaultValueFactory = _ => 0.2 };
        var bendsUsed = new Option<string?>("--bends-used") { Description = "With --run: three control points i,j,k spanning the plane (0 = start, n+1 = end)." };
        var bn = EvalCurveCommand.BatchNormOption(grid: true);
        var checkpoints = new CheckpointKindOptions("points");
        var output = CommonOptions.Out(required: false);
        output.Description = "Folder to write (default with --run: the curve run itself; a re-run replaces its plane.* files).";
        var shard = CommonOptions.Shard();
        var invocation = new InvocationOptions();
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted grid: points already evaluated (saved every few seconds) are kept." };
        var command = new Command("plane", """
            Draw the loss surface on the plane through three weight vectors (docs/science.md §3, Fig. 1): train loss and test
            error on a grid with batch norm recomputed at every point. Writes plane.json, plane_train_loss.png and
            plane_test_error.png (log-spaced contour levels, the points marked, the curve projected).

            Examples:
              ./isthmus plane --run runs/bezier
              ./isthmus plane --run runs/polychain --bends-used 0,2,4 --grid 11
              ./isthmus plane --points runs/a runs/b runs/c --grid 21 --out runs/abc-plane
              ./isthmus plane --points a.pt b.pt c.pt --model torchscript:net.pt --data fashion-mnist --out runs/abc
              ./isthmus plane --run runs/bezier --resume                                  # continue an interrupted grid
              ./isthmus plane --run runs/bezier --shard 3/8 --out runs/plane-parts/3      # one of 8 shards, then:
              ./isthmus merge runs/plane-parts/*                                          # plane.* into runs/bezier
            """);
        command.AddOptions([run, points, .. checkpoints.All, grid, margin, bendsUsed, bn, output, shard, invocation.Force, resume, invocation.DataRoot, invocation.Threads, invocation.Device]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var settings = invocation.Read(parse, new PlaneSettings
            {
                Run = parse.GetValue(run),
                Points = CommonOptions.ReadRuns(parse, points, 3, 3, "runs/a runs/b runs/c"),
                Data = checkpoints.Read(parse).Data,
                Model = checkpoints.Read(parse).Model,
                Grid = parse.GetValue(grid),
                Margin = parse.GetValue(margin),
                BendsUsed = ReadIndices(parse.GetValue(bendsUsed)),
                BatchNormBatches = EvalCurveCommand.ReadBatchNorm(parse.GetValue(bn)!),
                Shard = CommonOptions.ReadShard(parse.GetValue(shard)),
                Out = parse.GetValue(output),
                Resume = parse.GetValue(resume),
            });
            var outcome = GridProgressBar.Run(io, "plane", progress => PlaneRecipe.Run(settings, progress, ct));
            Figures.Draw(outcome);
            if (outcome.Surface is not { } s)
            {
                double perPoint = outcome.Cells.Count == 0 ? 0 : outcome.Cells.Average(c => c.Seconds);
                io.Result(EvalCurveCommand.ShardSummary(outcome.Shard, outcome.Cells.Count, settings.Grid * settings.Grid, perPoint, outcome.Folder),
                    new JsonObject { ["folder"] = outcome.Folder, ["shard"] = outcome.Shard.ToString(), ["points"] = outcome.Cells.Count, ["of"] = settings.Grid * settings.Grid });
                return 0;
            }
            double minLoss = s.TrainLoss.Cast<double>().Min(), maxLoss = s.TrainLoss.Cast<double>().Max();
            var json = new JsonObject
            {
                ["folder"] = outcome.Folder,
                ["file"] = Path.Combine(outcome.Folder, PlaneRecipe.PlaneJson),
                ["u_norm"] = outcome.UNorm,
                ["v_norm"] = outcome.VNorm,
                ["grid"] = s.X.Length,
                ["train_loss_min"] = minLoss,
                ["train_loss_max"] = maxLoss,
                ["test_error_min"] = s.TestError.Cast<double>().Min(),
                ["test_error_max"] = s.TestError.Cast<double>().Max(),
                ["seconds_per_point"] = Math.Round(s.SecondsPerPoint, 3),
            };
            io.Result(string.Create(CultureInfo.InvariantCulture,
                $"plane {s.X.Length}×{s.Y.Length} ({s.SecondsPerPoint:F1} s/point), ‖u‖ = {outcome.UNorm:F2}, ‖v‖ = {outcome.VNorm:F2}: train loss {minLoss:F4}–{maxLoss:F4} → {outcome.Folder}"), json);
            return 0;
        }));
        return command;
    }

    private static int[]? ReadIndices(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out result[i]))
                throw new IsthmusException($"--bends-used takes three control-point numbers like 0,1,2 (got '{text}').");
        return result;
    }
}
