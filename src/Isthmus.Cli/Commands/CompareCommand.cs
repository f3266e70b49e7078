namespace Isthmus.Cli.Commands;

internal static class CompareCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data(required: false);
        var model = new ModelOptions();
        var budget = new Option<int>("--budget") { Description = "B, the epochs of one single model.", DefaultValueFactory = _ => 10 };
        var ks = new Option<string>("--k") { Description = "Budgets kB to compare, as comma-separated multiples k of B.", DefaultValueFactory = _ => "1,2" };
        var seeds = new Option<string>("--seeds") { Description = "Replicates, comma-separated; with several, results are mean ± std (run j of seed s uses seed s + 1000·(j − 1)).", DefaultValueFactory = _ => "1" };
        var protocol = new Option<string>("--protocol")
        {
            Description = "paper: at kB each method runs k times from random initialisations, B epochs each (Table 1); one-run: SSE and FGE stretch one run to kB.",
            DefaultValueFactory = _ => ComparePlan.Paper,
        };
        protocol.AcceptOnlyFromAmong([.. ComparePlan.Protocols]);
        var lr = new Option<double>("--lr") { Description = "Ind: base rate of the standard schedule (also FGE's pre-training, which is the Ind run's first epochs).", DefaultValueFactory = _ => 0.05 };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum, for all methods.", DefaultValueFactory = _ => 0.9 };
        var wd = new Option<double>("--wd") { Description = "Weight decay, for all methods.", DefaultValueFactory = _ => 5e-4 };
        var batchSize = new Option<int>("--batch-size") { Description = "Minibatch size, for all methods.", DefaultValueFactory = _ => 128 };
        var fgeStart = new Option<double>("--fge-start") { Description = "FGE starts from the standard run at this fraction of B (A.9: about 0.8).", DefaultValueFactory = _ => 0.8 };
        var fgeCycle = new Option<double?>("--fge-cycle") { Description = "FGE cycle in epochs, may be fractional (default: a quarter of the FGE part of one budget, i.e. 4 members per run)." };
        var fgeLr1 = new Option<double>("--fge-lr1") { Description = "FGE α1, the rate at cycle ends (the paper: 5e-2 for ResNets, 1e-2 for VGG).", DefaultValueFactory = _ => 5e-2 };
        var fgeLr2 = new Option<double>("--fge-lr2") { Description = "FGE α2, the rate where members are collected (the paper: 5e-4).", DefaultValueFactory = _ => 5e-4 };
        var sseSnapshots = new Option<int>("--sse-snapshots") { Description = "SSE M, cosine cycles per budget B (the paper's best: 4-5).", DefaultValueFactory = _ => 5 };
        var sseLr0 = new Option<double>("--sse-lr0") { Description = "SSE α0, the rate at the start of each cycle.", DefaultValueFactory = _ => 0.1 };
        var trajectory = new Option<int>("--trajectory-points") { Description = "Points per cycle at which the first FGE run is scored for Figure 3 left (0 = members only).", DefaultValueFactory = _ => 8 };
        var reuseFrom = new Option<string?>("--reuse-from") { Description = "Another comparison's folder: copy its finished runs that are exactly what this one would train (e.g. to try other FGE rates without retraining Ind and SSE)." };
        var subset = CommonOptions.Subset();
        var invocation = new InvocationOptions();
        var output = CommonOptions.Out();
        var resume = CommonOptions.Resume();
        resume.Description = "Continue the comparison in --out: finished runs are skipped, an interrupted one continues from its last epoch.";

        var command = new Command("compare", """
            Fast Geometric Ensembling against Snapshot Ensembles and independent ensembles at equal budgets kB (Garipov et
            al. 2018, Table 1 and Figure 3). Ind ensembles k standard runs of B epochs; SSE and FGE are run as --protocol
            says; FGE starts from the Ind run's checkpoint at 80 % of B, so that pre-training is shared, not repeated.
            Every run is an ordinary train/sse/fge folder under --out; then every network is scored once (batch norm
            recomputed) and compare.json, compare.csv (error, NLL, ECE, Brier per method and k; mean ± std over seeds),
            fge-trajectory.png (Figure 3 left) and ensemble-vs-epochs.png (Figure 3 right) are written.

            Examples:
              ./isthmus compare --data mnist --model mlp --budget 10 --k 1,2 --seeds 1,2 --fge-cycle 0.5 --out runs/cmp
              ./isthmus compare --data fashion-mnist --model convfc --bn --width-factor 0.25 --budget 10 --k 1,2 --out runs/cmp-bn
              ./isthmus compare --data mnist --model mlp --budget 10 --k 1,2 --seeds 1,2 --fge-lr1 0.1 --reuse-from runs/cmp --out runs/cmp-lr1
              ./isthmus compare --out runs/cmp --resume        (continue an interrupted comparison)
            """);
        command.AddOptions([data, .. model.All, budget, ks, seeds, protocol, lr, momentum, wd, batchSize, fgeStart, fgeCycle, fgeLr1, fgeLr2, sseSnapshots, sseLr0, trajectory,
            reuseFrom, subset, invocation.DataRoot, invocation.Threads, invocation.Device, output, invocation.Force, resume]);

        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            bool resuming = parse.GetValue(resume);
            var (dataName, spec) = model.ReadForNewRun(parse, data, resuming, "compare");
            var settings = invocation.Read(parse, new CompareSettings
            {
                Data = dataName, Model = spec, Out = parse.GetValue(output)!,
                Budget = parse.GetValue(budget), Ks = List("--k", parse.GetValue(ks)!, int.Parse), Seeds = List("--seeds", parse.GetValue(seeds)!, long.Parse),
                Protocol = parse.GetValue(protocol)!, Lr = parse.GetValue(lr), Momentum = parse.GetValue(momentum), WeightDecay = parse.GetValue(wd),
                BatchSize = parse.GetValue(batchSize), FgeStart = parse.GetValue(fgeStart), FgeCycle = parse.GetValue(fgeCycle),
                FgeLr1 = parse.GetValue(fgeLr1), FgeLr2 = parse.GetValue(fgeLr2), SseSnapshots = parse.GetValue(sseSnapshots), SseLr0 = parse.GetValue(sseLr0),
                TrajectoryPoints = parse.GetValue(trajectory), ReuseFrom = parse.GetValue(reuseFrom), Subset = parse.GetValue(subset), Resume = resuming,
            });
            var outcome = TrainingProgressBar.Run(io, "compare", progress => CompareRecipe.Run(settings, null, progress, io.Info, ct));
            Figures.Draw(outcome);
            var json = (JsonObject)outcome.Result.DeepClone();
            json["folder"] = outcome.Folder;
            json["already_complete"] = outcome.AlreadyComplete;
            int seedCount = outcome.Rows[0].Error.PerSeed.Count;
            var budgets = outcome.Rows.GroupBy(r => r.K).Select(g =>
                $"{g.Key}B ({g.First().BudgetEpochs} epochs): " + string.Join(", ", g.Select(r => $"{CompareResults.Display[r.Method]} {r.Error.Format("F2")}% ({r.Members})")));
            var note = outcome.AlreadyComplete ? " (already complete; nothing to do)" : string.Create(CultureInfo.InvariantCulture, $" in {outcome.Seconds:F0} s");
            io.Result($"compare written to {outcome.Folder}{note}: ensemble test error (networks) — {string.Join("; ", budgets)}" +
                      (seedCount > 1 ? $"; mean ± std over {seedCount} seeds" : ""), json);
            return 0;
        }));
        return command;
    }

    /// <summary>"1,2" → [1, 2], naming the flag when an item is not a number.</summary>
    private static IReadOnlyList<T> List<T>(string flag, string text, Func<string, IFormatProvider, T> parse) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x =>
        {
            try { return parse(x, CultureInfo.InvariantCulture); }
            catch (FormatException) { throw new IsthmusException($"{flag}: '{x}' is not a whole number; write e.g. 1,2."); }
            catch (OverflowException) { throw new IsthmusException($"{flag}: '{x}' is out of range; write e.g. 1,2."); }
        }).ToList();
}
