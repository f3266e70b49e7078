namespace Isthmus.Cli.Commands;

internal static class FgeCommand
{
    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "Start point ŵ: a train run folder, or a checkpoint file (.safetensors, or PyTorch .pt/.pth/.bin from torch.save(model.state_dict())) of a network trained elsewhere (then give --data and --model)." };
        var startEpoch = new Option<int?>("--start-epoch") { Description = "With a run folder: start from its checkpoint-<E>.safetensors (train with --save-every); default: its final model." };
        var data = CommonOptions.Data(required: false);
        data.Description = "With --from FILE: the data set it was trained on (mnist, fashion-mnist, cifar10, cifar100, fortunes, npz:FILE, folder:DIR).";
        var model = new ModelOptions();
        model.Model.Description = "With --from FILE: its architecture (" + string.Join(", ", Nn.ModelZoo.Names) + ", or torchscript:FILE).";
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the cyclic schedule (K).", DefaultValueFactory = _ => 4 };
        var cycle = new Option<double>("--cycle") { Description = "Cycle length in epochs, may be fractional (the paper: 2-4); rounded to an even number of iterations, as the manifest records.", DefaultValueFactory = _ => 2 };
        var lr1 = new Option<double>("--lr1") { Description = "α1, the rate at the start and end of each cycle (the paper: 5e-2 for ResNets, 1e-2 for VGG).", DefaultValueFactory = _ => 5e-2 };
        var lr2 = new Option<double>("--lr2") { Description = "α2 < α1, the rate in the middle of each cycle, where members are collected (the paper: 5e-4).", DefaultValueFactory = _ => 5e-4 };
        var momentum = new Option<double?>("--momentum") { Description = "SGD momentum (default: the --from run's, else 0.9)." };
        var wd = new Option<double?>("--wd") { Description = "Weight decay (default: the --from run's, else 5e-4)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Minibatch size (default: the --from run's, else 128)." };
        var seed = new Option<long>("--seed") { Description = "Random seed (batch order, dropout).", DefaultValueFactory = _ => 1 };
        var trajectoryPoints = new Option<int>("--trajectory-points")
        {
            Description = "Also score the weights N times per cycle (after training, batch norm from 10 batches), so that trajectory.csv traces test error and distance from ŵ within cycles (Figure 3 left); 0 = members only.",
            DefaultValueFactory = _ => 0,
        };
        var val = CommonOptions.Val();
        val.Description = "With --from FILE: hold out the last N training examples as the evaluation set (as the network was trained).";
        var subset = CommonOptions.Subset();
        subset.Description = "With --from FILE: train on only the first N training examples (0 = all).";
        var invocation = new InvocationOptions();
        var output = CommonOptions.Out();
        var resume = CommonOptions.Resume();

        var command = new Command("fge", """
            Fast Geometric Ensembling (Garipov et al. 2018, Algorithm 1): from a trained network ŵ, run K epochs of the
            cyclic learning rate (α1 down to α2 and back, per iteration, c iterations per cycle) and keep the weights in
            the middle of each cycle, where the rate is lowest, as member-<k>.safetensors (plain network checkpoints
            PyTorch can load). Each member's own test error and NLL is evaluated once, after training, with batch norm
            recomputed. Writes the members, metrics.csv, trajectory.csv (per-iteration rate; test error and distance
            from ŵ at each member) and manifest.json (with where momentum and weight decay came from) to --out.

            Examples:
              ./isthmus train --data mnist --model mlp --epochs 8 --save-every 1 --out runs/a
              ./isthmus fge --from runs/a --start-epoch 6 --epochs 4 --cycle 1 --lr1 0.05 --lr2 0.0005 --out runs/a-fge
              ./isthmus fge --from pretrained.safetensors --data mnist --model mlp --epochs 4 --cycle 2 --out runs/ft-fge
              ./isthmus fge --out runs/a-fge --resume        (continue an interrupted run)
            """);
        command.AddOptions([from, startEpoch, data, .. model.All, epochs, cycle, lr1, lr2, momentum, wd, batchSize, seed, trajectoryPoints, val, subset, invocation.DataRoot, invocation.Threads, invocation.Device, output, invocation.Force, resume]);

        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var settings = invocation.Read(parse, new FgeSettings
            {
                From = parse.GetValue(from) ?? "",
                StartEpoch = parse.GetValue(startEpoch),
                Data = parse.GetValue(data),
                Model = model.Read(parse),
                Out = parse.GetValue(output)!,
                Epochs = parse.GetValue(epochs),
                Cycle = parse.GetValue(cycle),
                Lr1 = parse.GetValue(lr1),
                Lr2 = parse.GetValue(lr2),
                Momentum = parse.GetValue(momentum),
                WeightDecay = parse.GetValue(wd),
                BatchSize = parse.GetValue(batchSize),
                Seed = parse.GetValue(seed),
                TrajectoryPoints = parse.GetValue(trajectoryPoints),
                Val = parse.GetValue(val),
                Subset = parse.GetValue(subset),
                Resume = parse.GetValue(resume),
            });
            var outcome = TrainingProgressBar.Run(io, "fge", progress => FgeRecipe.Run(settings, progress, io.Info, ct));
            MemberSummary.Print(io, "fge", settings.Out, outcome);
            return 0;
        }));
        return command;
    }
}
