namespace Isthmus.Cli.Commands;

internal static class EvalSetCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A finished `isthmus connect-set` folder (results go into it unless --out).", Required = true };
        var samples = new Option<int>("--samples") { Description = "Points drawn uniformly in the simplices (simplex as in training, barycentric weights ~ Dirichlet(1)).", DefaultValueFactory = _ => 60 };
        var seed = new Option<long>("--seed") { Description = "Seed of the drawn points.", DefaultValueFactory = _ => 1 };
        var segmentPoints = new Option<int>("--segment-points") { Description = "Equally spaced points on each straight segment between two modes (the baseline).", DefaultValueFactory = _ => 11 };
        var grid = new Option<int>("--grid") { Description = "Grid points per axis of each slice picture through (mode_i, mode_j, connector); 0 = no pictures.", DefaultValueFactory = _ => 11 };
        var slices = new Option<int?>("--slices") { Description = "At most this many slice pictures, in the order of the pairs of modes (default: one per pair)." };
        var bn = EvalCurveCommand.BatchNormOption();
        var output = CommonOptions.Out(required: false);
        output.Description = "Folder to write (default: the set run itself; re-evaluating replaces its subspace.* and slice-* files).";
        var invocation = new InvocationOptions();
        var command = new Command("eval-set", """
            Measure the subspace of a connect-set run (docs/science.md §5): every vertex, points drawn uniformly in its simplices,
            and for comparison the straight segment between every pair of modes, with batch norm recomputed at every point;
            plus pictures of the 2-D slices through (mode_i, mode_j, connector) like the plane pictures. Writes
            subspace.json (per point its simplex, weights and metrics; stats.<metric>.min|max|mean; segments and their
            stats; comparison: worst mode against the subspace's and the segments' maxima), subspace.csv and slice-*.png.

            Examples:
              ./isthmus eval-set --run runs/star --samples 60
              ./isthmus eval-set --run runs/star5 --samples 60 --slices 2 --grid 9
              ./isthmus eval-set --run runs/star --grid 0 --out runs/star-eval --json
            """);
        command.AddOptions([run, samples, seed, segmentPoints, grid, slices, bn, output, invocation.Force, invocation.DataRoot, invocation.Threads, invocation.Device]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var settings = invocation.Read(parse, new EvalSetSettings
            {
                Run = parse.GetValue(run)!,
                Samples = parse.GetValue(samples),
                Seed = parse.GetValue(seed),
                SegmentPoints = parse.GetValue(segmentPoints),
                Grid = parse.GetValue(grid),
                Slices = parse.GetValue(slices),
                BatchNormBatches = EvalCurveCommand.ReadBatchNorm(parse.GetValue(bn)!),
                Out = parse.GetValue(output),
            });
            var outcome = GridProgressBar.Run(io, "eval-set", progress => EvalSetRecipe.Run(settings, progress, io.Info, ct));
            Figures.Draw(outcome);
            var result = (JsonObject)outcome.Result.DeepClone();
            result["folder"] = outcome.Folder;
            var c = result["comparison"]!;
            double Get(string key) => c[key]?.GetValue<double>() ?? double.NaN;
            io.Result(string.Create(CultureInfo.InvariantCulture,
                $"{outcome.Evaluation.Samples.Count} points of a {outcome.Evaluation.Complex.Shape} over {outcome.Evaluation.Complex.Modes} modes: max test error {Get("subspace_max_test_error"):F2}% (worst mode {Get("worst_mode_test_error"):F2}%, +{Get("subspace_excess_test_error"):F2} pp), max train loss {Get("subspace_max_train_loss"):F4}; straight segments between modes: max test error {Get("segments_max_test_error"):F2}%, max train loss {Get("segments_max_train_loss"):F4} → {outcome.Folder}"), result);
            return 0;
        }));
        return command;
    }
}
