using Isthmus.Space;

namespace Isthmus.Cli.Commands;

internal static class ConnectCommand
{
    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "Start endpoint: a finished `isthmus train` run folder, or a checkpoint file (.safetensors, PyTorch .pt) with --data and --model." };
        var to = new Option<string?>("--to") { Description = "End endpoint: a finished `isthmus train` run folder of the same architecture and data, or a checkpoint file." };
        var curve = new Option<string>("--curve") { Description = "Curve family: bezier, polychain, or segment (the straight line; trains nothing).", DefaultValueFactory = _ => "bezier" };
        curve.AcceptOnlyFromAmong([.. CurveFamily.Names]);
        var bends = new Option<int?>("--bends") { Description = "Number of bends between the endpoints (default 1, as in the paper, for bezier and polychain; 0 for segment)." };
        var init = new Option<string>("--init") { Description = "Bends start on the segment at their own t (linear), as copies of the start endpoint (start), or freshly initialised from --seed (random).", DefaultValueFactory = _ => "linear" };
        init.AcceptOnlyFromAmong([.. BendInit.Names]);
        var freeStart = new Option<bool>("--free-start") { Description = "Train the start endpoint too (fixed by default)." };
        var freeEnd = new Option<bool>("--free-end") { Description = "Train the end endpoint too (fixed by default)." };
        var sgd = new SgdOptions(
            seedDescription: "Random seed (the t drawn per minibatch, batch order, dropout, --init random).",
            saveEveryDescription: "Keep checkpoint-<epoch>.safetensors (every control point) every K epochs (0 = only the final curve).");
        var wd = new Option<double?>("--wd") { Description = "Weight decay on the point φ(t) (default: the start run's --wd)." };
        var invocation = new InvocationOptions();
        var precision = CommonOptions.Precision();
        var output = CommonOptions.Out();
        var checkpoints = new CheckpointKindOptions("endpoints");

        var command = new Command("connect", """
            Train a curve between two trained networks along which the loss stays low (Garipov et al. 2018, eq. 2: one
            t ~ U(0,1) per minibatch, SGD on the bends, weight decay on the point). Architecture, data and --wd come from
            the --from run; endpoints given as checkpoint files need --data and --model (--wd defaults to 5e-4). Writes curve.safetensors (every control point), metrics.csv (per epoch: train columns are
            running means over the sampled t, test columns the midpoint t = 0.5, batch norm recomputed there from 10 batches) and manifest.json (with the midpoint's
            metrics, batch norm recomputed) to --out; `isthmus eval-curve --run DIR` then measures the whole curve.

            Examples:
              ./isthmus connect --from runs/a --to runs/b --curve bezier --bends 1 --epochs 10 --out runs/bezier
              ./isthmus connect --from runs/a --to runs/b --curve polychain --bends 3 --lr 0.015 --out runs/chain
              ./isthmus connect --from runs/a --to runs/b --curve segment --out runs/segment    (no training)
              ./isthmus connect --from a.pt --to b.pt --model torchscript:net.pt --data fashion-mnist --out runs/ab
              ./isthmus connect --out runs/bezier --resume        (continue an interrupted run)
            """);
        command.AddOptions([from, to, curve, bends, init, freeStart, freeEnd, .. checkpoints.All, sgd.Epochs, sgd.BatchSize, sgd.Lr, sgd.Momentum, wd, sgd.Schedule, sgd.Seed, sgd.SaveEvery, invocation.DataRoot, invocation.Threads, invocation.Device, precision, output, invocation.Force, sgd.Resume]);

        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var settings = invocation.Read(parse, sgd.Read(parse, new ConnectSettings
            {
                From = parse.GetValue(from) ?? "",
                To = parse.GetValue(to) ?? "",
                Out = parse.GetValue(output)!,
                Curve = parse.GetValue(curve)!,
                Bends = parse.GetValue(bends),
                Init = parse.GetValue(init)!,
                FreeStart = parse.GetValue(freeStart),
                FreeEnd = parse.GetValue(freeEnd),
                WeightDecay = parse.GetValue(wd),
                Precision = parse.GetValue(precision)!,
            }));
            (var checkpointData, var checkpointModel) = checkpoints.Read(parse);
            settings = settings with { Data = checkpointData, Model = checkpointModel };
            if ((settings.From == "") != (settings.To == ""))
                throw new IsthmusException("connect needs both --from and --to; see `isthmus connect --help`.");
            var outcome = TrainingProgressBar.Run(io, "connect", progress => ConnectRecipe.Run(settings, null, progress, io.Info, ct));
            var mid = outcome.Midpoint;
            var json = new JsonObject
            {
                ["run"] = outcome.RunPath,
                ["already_complete"] = outcome.AlreadyComplete,
                ["curve"] = outcome.Curve,
                ["bends"] = outcome.Bends,
                ["midpoint"] = MetricsSection.Json(mid.TrainLoss, mid.Train, mid.Test, text: false),
                ["seconds_per_epoch"] = outcome.Epochs.Count == 0 ? null : Math.Round(outcome.Epochs.Average(e => e.Seconds), 3),
                ["seconds"] = Math.Round(outcome.Seconds, 2),
            };
            var what = outcome.Bends == 0 ? outcome.Curve : $"{outcome.Curve} curve ({outcome.Bends} bend{(outcome.Bends == 1 ? "" : "s")})";
            var note = outcome.AlreadyComplete ? " (already complete; nothing to do)" : $" in {outcome.Seconds:F0} s";
            io.Result($"connected {settings.Out} with a {what}{note}: midpoint train loss {mid.TrainLoss:F4}, test error {mid.Test.Error:F2}%; measure it with `isthmus eval-curve --run {settings.Out}`", json);
            return 0;
        }));
        return command;
    }
}
