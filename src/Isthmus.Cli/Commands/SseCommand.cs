namespace Isthmus.Cli.Commands;

internal static class SseCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data(required: false);
        var model = new ModelOptions();
        var budget = new Option<int>("--budget") { Description = "B, the whole training budget in epochs.", DefaultValueFactory = _ => 10 };
        var snapshots = new Option<int>("--snapshots") { Description = "M, the number of cosine cycles, one snapshot at the end of each.", DefaultValueFactory = _ => 5 };
        var lr0 = new Option<double>("--lr0") { Description = "α0, the rate at the start of every cycle (Huang et al.: 0.1 for DenseNets, 0.2 for ResNets).", DefaultValueFactory = _ => 0.1 };
        var momentum = new Option<double?>("--momentum") { Description = "SGD momentum (default 0.9)." };
        var wd = new Option<double?>("--wd") { Description = "Weight decay (default 5e-4, as train)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Minibatch size.", DefaultValueFactory = _ => 128 };
        var seed = new Option<long>("--seed") { Description = "Random seed (initialisation, batch order, dropout).", DefaultValueFactory = _ => 1 };
        var val = CommonOptions.Val();
        var subset = CommonOptions.Subset();
        var invocation = new InvocationOptions();
        var output = CommonOptions.Out();
        var resume = CommonOptions.Resume();

        var command = new Command("sse", """
            Snapshot Ensembles (Huang et al. 2017), the baseline FGE is compared with: train from a random
            initialisation for B epochs with M cosine cycles of the learning rate (per iteration,
            α0/2·(cos(π·mod(t−1, ⌈T/M⌉)/⌈T/M⌉) + 1)) and keep a snapshot member-<k>.safetensors at the end of each
            cycle. Each member's own test error and NLL is evaluated once, after training. Writes the members,
            metrics.csv, trajectory.csv and manifest.json to --out.

            Examples:
              ./isthmus sse --data mnist --model mlp --budget 10 --snapshots 5 --lr0 0.1 --out runs/sse
              ./isthmus sse --out runs/sse --resume        (continue an interrupted run)
            """);
        command.AddOptions([data, .. model.All, budget, snapshots, lr0, momentum, wd, batchSize, seed, val, subset, invocation.DataRoot, invocation.Threads, invocation.Device, output, invocation.Force, resume]);

        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            bool resuming = parse.GetValue(resume);
            var (dataName, spec) = model.ReadForNewRun(parse, data, resuming, "sse");
            var settings = invocation.Read(parse, new SseSettings
            {
                Data = dataName,
                Model = spec,
                Out = parse.GetValue(output)!,
                Budget = parse.GetValue(budget),
                Snapshots = parse.GetValue(snapshots),
                Lr0 = parse.GetValue(lr0),
                Momentum = parse.GetValue(momentum),
                WeightDecay = parse.GetValue(wd),
                BatchSize = parse.GetValue(batchSize),
                Seed = parse.GetValue(seed),
                Val = parse.GetValue(val),
                Subset = parse.GetValue(subset),
                Resume = resuming,
            });
            var outcome = TrainingProgressBar.Run(io, "sse", progress => SseRecipe.Run(settings, progress, io.Info, ct));
            MemberSummary.Print(io, "sse", settings.Out, outcome);
            return 0;
        }));
        return command;
    }
}
