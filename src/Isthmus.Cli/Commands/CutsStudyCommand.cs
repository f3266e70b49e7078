namespace Isthmus.Cli.Commands;

/// <summary><c>isthmus study cuts</c>: training restricted to random low-dimensional affine cuts (docs/science.md §5).</summary>
internal static class CutsStudyCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var model = new ModelOptions();
        var dims = new Option<string>("--dims") { Description = "Dimensions d of the cuts, comma-separated.", DefaultValueFactory = _ => "10,100,1000" };
        var radii = new Option<string>("--radii")
        {
            Description = "Distances ‖W0‖ of the anchors from the origin, comma-separated; 'init' is the random initialisation as drawn.",
            DefaultValueFactory = _ => "init",
        };
        var sgd = new SgdOptions(seedDescription: "Seed of the anchor (the initialisation `train --seed` would draw) and of the directions.");
        sgd.Epochs.DefaultValueFactory = _ => 5;
        var rates = new Option<string>("--lr")
        {
            Description = "Base learning rates for z, comma-separated: each cell is trained at every rate and keeps the lowest final train loss.",
            DefaultValueFactory = _ => "1,4,16",
        };
        var wd = new Option<double>("--wd") { Description = "Weight decay on the point (default 0: it would pull every cut towards the origin).", DefaultValueFactory = _ => 0 };
        var maxDense = new Option<long>("--max-dense-mb")
        {
            Description = "Keep the d×N directions in memory up to this size; above it they are drawn again at every step (slow, little memory).",
            DefaultValueFactory = _ => RandomCut.DefaultMaxDenseBytes >> 20,
        };
        var projection = new Option<string>("--projection")
        {
            Description = "How the directions are held: dense (d×N orthonormal Gaussian), fastfood (structured, O(N) memory, O(N log d) per step) or auto (dense for d ≤ 32 within --max-dense-mb, fastfood above).",
            DefaultValueFactory = _ => "auto",
        };
        var subset = CommonOptions.Subset();
        var invocation = new InvocationOptions();
        var output = CommonOptions.Out();
        var command = new Command("cuts", """
            Low-dimensional cuts (docs/science.md §5): train only the d coordinates z of W = W0 + Pᵀz, where P holds d fixed,
            orthonormal random directions and W0 is the random initialisation, as drawn or rescaled to norm r (--radii). Writes
            cuts.json (rows: dim, radius, train_loss, test_error, ... at the best of the --lr rates), cuts.csv and cuts.png (train loss and test error
            against d, one line per radius). A stopped study continues with --resume.

            Examples:
              ./isthmus study cuts --data mnist --model mlp --widths 100,100 --dims 10,100,1000 --epochs 3 --out runs/cuts
              ./isthmus study cuts --data mnist --model mlp --widths 100,100 --dims 10,100,1000 --radii init,4,16,32 --out runs/cuts-radii
              ./isthmus study cuts --data mnist --model mlp --dims 10,100,1000,10000 --epochs 1 --lr 4 --projection fastfood --out runs/cuts-large
            """);
        command.AddOptions([data, .. model.All, dims, radii, sgd.Epochs, sgd.BatchSize, rates, sgd.Momentum, wd, sgd.Schedule, sgd.Seed, maxDense, projection, subset, invocation.DataRoot, invocation.Threads, invocation.Device, output, invocation.Force, sgd.Resume]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var settings = invocation.Read(parse, new CutsSettings
            {
                Data = parse.GetValue(data)!,
                Model = model.Read(parse) ?? throw new IsthmusException("study cuts needs --model (e.g. --model mlp --widths 100,100); see `isthmus study cuts --help`."),
                Dims = NumberLists.Integers(parse.GetValue(dims), "--dims", "10,100,1000"),
                Radii = parse.GetValue(radii)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(r => r == "init" ? null : (double?)NumberLists.Doubles(r, "--radii", "init,4,16")[0]).ToArray(),
                Epochs = parse.GetValue(sgd.Epochs), BatchSize = parse.GetValue(sgd.BatchSize), Rates = NumberLists.Doubles(parse.GetValue(rates), "--lr", "1,4,16"),
                Momentum = parse.GetValue(sgd.Momentum), WeightDecay = parse.GetValue(wd), Schedule = parse.GetValue(sgd.Schedule)!,
                Seed = parse.GetValue(sgd.Seed), MaxDenseBytes = parse.GetValue(maxDense) << 20, Projection = parse.GetValue(projection)!, Subset = parse.GetValue(subset),
                Out = parse.GetValue(output)!, Resume = parse.GetValue(sgd.Resume),
            });
            var outcome = TrainingProgressBar.Run(io, "cut", progress => CutsStudy.Run(settings, io.Info, progress, ct));
            Figures.Draw(outcome);
            var json = new JsonObject
            {
                ["out"] = outcome.Folder,
                ["rows"] = new JsonArray(outcome.Rows.Select(r => (JsonNode)new JsonObject
                {
                    ["dim"] = r.Dim, ["radius"] = r.Radius, ["lr"] = r.Lr, ["train_loss"] = Storage.Json.Number(r.TrainLoss), ["test_error"] = Storage.Json.Number(r.TestError),
                }).ToArray()),
            };
            io.Result($"cuts written to {outcome.Folder}: " + string.Join("; ", outcome.Rows.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"d={r.Dim}, r={r.Radius:0.##}: train loss {r.TrainLoss:F4}, test error {r.TestError:F2}% (lr {r.Lr})"))), json);
            return 0;
        }));
        return command;
    }
}
