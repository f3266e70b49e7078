namespace Isthmus.Cli.Commands;

/// <summary><c>isthmus study hyperparameters</c>: do learning rate, width and L2 change the loss around a solution alike (docs/science.md §5)?</summary>
internal static class HyperparametersStudyCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var model = new ModelOptions();
        var vary = new Option<string[]>("--vary")
        {
            Description = "A knob and its values, e.g. lr=0.01,0.05,0.2 or width=100,200,400 (mlp hidden units; convfc width factor) or wd=0,5e-4,5e-3; repeat for several knobs.",
            Required = true,
        };
        var sgd = new SgdOptions(seedDescription: "Seed of every run (initialisation, data order) and of the random directions.");
        sgd.Epochs.DefaultValueFactory = _ => 5;
        sgd.Lr.Description = "Base learning rate (when lr is not the knob).";
        var wd = new Option<double>("--wd") { Description = "Base weight decay (when wd is not the knob).", DefaultValueFactory = _ => 5e-4 };
        var defaults = new GeometryOptions();
        var directions = new Option<int>("--directions") { Description = "K, the random directions along which the radius is measured.", DefaultValueFactory = _ => defaults.Directions };
        var filter = new Option<bool>("--filter-normalize") { Description = "Filter-normalised directions (Li et al. 2018): each filter scaled to the weights' own, biases not moved; radii become relative." };
        var delta = new Option<double>("--delta") { Description = "The radius is where the training NLL first exceeds its value at the solution by this many nats.", DefaultValueFactory = _ => defaults.Delta };
        var bisections = new Option<int>("--bisections") { Description = "Bisection steps after the distance doubling has bracketed the crossing.", DefaultValueFactory = _ => defaults.Bisections };
        var maxDistance = new Option<double>("--max-distance") { Description = "Directions not crossed by this distance get radius infinity (null in the JSON).", DefaultValueFactory = _ => defaults.MaxDistance };
        var power = new Option<int>("--power-iterations") { Description = "Hessian-vector products at most for the top eigenvalue.", DefaultValueFactory = _ => defaults.PowerIterations };
        var hvp = new Option<string>("--hvp") { Description = "Hessian-vector products by autograd (double backward) or finite-difference (of gradients).", DefaultValueFactory = _ => "autograd" };
        hvp.AcceptOnlyFromAmong("autograd", "finite-difference");
        var measure = new Option<int>("--measure-examples") { Description = "The first N training examples on which losses, gradients and Hessian products are computed.", DefaultValueFactory = _ => 5000 };
        var subset = CommonOptions.Subset();
        var invocation = new InvocationOptions();
        var output = CommonOptions.Out();
        var command = new Command("hyperparameters", """
            Do larger learning rate, smaller width and stronger L2 act alike (docs/science.md §5)? For each --vary setting (the other
            knobs at their base values), train a network, then measure on training examples: the distance along K random
            directions at which the NLL first rises by --delta (doubling, then bisection), the top Hessian eigenvalue
            (power iteration on Hessian-vector products) and the distance from the initialisation. Writes
            hyperparameters.json/.csv/.png and one train run folder per setting (--resume skips finished runs).

            Examples:
              ./isthmus study hyperparameters --data mnist --model mlp --widths 200,200 --vary lr=0.01,0.05,0.2 --vary width=50,200,800 --vary wd=0,5e-4,5e-3 --epochs 3 --out runs/knobs
              ./isthmus study hyperparameters --data mnist --model mlp --vary lr=0.02,0.1 --filter-normalize --directions 10 --out runs/lr
            """);
        command.AddOptions([data, .. model.All, vary, sgd.Epochs, sgd.BatchSize, sgd.Lr, sgd.Momentum, wd, sgd.Schedule, sgd.Seed, directions, filter, delta, bisections, maxDistance, power, hvp, measure, subset, invocation.DataRoot, invocation.Threads, invocation.Device, output, invocation.Force, sgd.Resume]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var settings = invocation.Read(parse, new HyperparameterSettings
            {
                Data = parse.GetValue(data)!,
                Model = model.Read(parse) ?? throw new IsthmusException("study hyperparameters needs --model (e.g. --model mlp --widths 200,200); see `isthmus study hyperparameters --help`."),
                Vary = parse.GetValue(vary)!.Select(ReadSweep).ToArray(),
                Epochs = parse.GetValue(sgd.Epochs), BatchSize = parse.GetValue(sgd.BatchSize), Lr = parse.GetValue(sgd.Lr),
                Momentum = parse.GetValue(sgd.Momentum), WeightDecay = parse.GetValue(wd), Schedule = parse.GetValue(sgd.Schedule)!,
                Seed = parse.GetValue(sgd.Seed), Subset = parse.GetValue(subset), MeasureExamples = parse.GetValue(measure),
                Geometry = new GeometryOptions
                {
                    Directions = parse.GetValue(directions), FilterNormalize = parse.GetValue(filter), Delta = parse.GetValue(delta),
                    Bisections = parse.GetValue(bisections), MaxDistance = parse.GetValue(maxDistance), PowerIterations = parse.GetValue(power),
                    FiniteDifferences = parse.GetValue(hvp) == "finite-difference", Seed = parse.GetValue(sgd.Seed),
                },
                Out = parse.GetValue(output)!, Resume = parse.GetValue(sgd.Resume),
            });
            var outcome = TrainingProgressBar.Run(io, "train", progress => HyperparameterStudy.Run(settings, io.Info, progress, ct));
            Figures.Draw(outcome);
            var json = new JsonObject
            {
                ["out"] = outcome.Folder,
                ["rows"] = new JsonArray(outcome.Rows.Select(r => (JsonNode)new JsonObject
                {
                    ["knob"] = r.Knob, ["value"] = r.Value, ["test_error"] = Storage.Json.Number(r.TestError),
                    ["radius_mean"] = Storage.Json.Number(r.Geometry.MeanRadius), ["top_eigenvalue"] = Storage.Json.Number(r.Geometry.TopEigenvalue.Value),
                    ["distance_from_init"] = Storage.Json.Number(r.Geometry.DistanceFromInit),
                }).ToArray()),
            };
            io.Result($"study written to {outcome.Folder}: " + string.Join("; ", outcome.Rows.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Knob}={r.Value:G3}: radius {r.Geometry.MeanRadius:G3}, λmax {r.Geometry.TopEigenvalue.Value:G3}, |w−w0| {r.Geometry.DistanceFromInit:G3}, test error {r.TestError:F2}%"))), json);
            return 0;
        }));
        return command;
    }

    private static HyperparameterSweep ReadSweep(string text)
    {
        int at = text.IndexOf('=');
        if (at <= 0) throw new IsthmusException($"--vary '{text}' is not knob=values; write e.g. lr=0.01,0.05,0.2.");
        var knob = text[..at].Trim();
        return new HyperparameterSweep(knob, NumberLists.Doubles(text[(at + 1)..], $"--vary {knob}", $"{knob}=0.01,0.05,0.2"));
    }
}
