namespace Isthmus.Cli.Commands;

internal static class AlignCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The finished train run to align to (A; left as it is).", Required = true };
        var to = new Option<string>("--to") { Description = "The finished train run whose hidden units are relabelled (B), of the same architecture and data.", Required = true };
        var method = new Option<string>("--method")
        {
            Description = "weights: weight matching (coordinate descent over the permutation groups, one linear assignment each); activations: correlation of hidden units over training batches (Ainsworth et al. 2022, §3).",
            DefaultValueFactory = _ => AlignSettings.Weights,
        };
        method.AcceptOnlyFromAmong(AlignSettings.Weights, AlignSettings.Activations);
        var data = new Option<string?>("--data") { Description = "--method activations: feed this data set's training split (same input shape) instead of the runs' own." };
        var batches = new Option<int?>("--batches") { Description = "--method activations: training batches (of 1000) to correlate over (default: all)." };
        var seed = new Option<int>("--seed") { Description = "--method weights: seeds the order in which the groups are visited.", DefaultValueFactory = _ => 0 };
        var output = CommonOptions.Out();
        output.Description = "Run folder to write: model.safetensors (B permuted, usable as a train run), permutations.json, manifest.json.";
        var invocation = new InvocationOptions();
        var command = new Command("align", """
            Relabel the hidden units of network B to match network A (Ainsworth et al. 2022): B′ computes exactly
            B's function, but sits where the straight segment to A may cross a much lower barrier (docs/alignment.md).
            Writes B′ as a train run, so eval-curve, connect, evaluate, plane and ensemble take it like any other.
            Every model of the zoo declares its permutation groups (residual streams and LSTM gates included).

            Examples:
              ./isthmus align --from runs/a --to runs/b --out runs/b-aligned
              ./isthmus align --from runs/a --to runs/b --method activations --batches 10 --out runs/b-act
              ./isthmus eval-curve --segment runs/a runs/b-aligned --points 21 --out runs/a-b-aligned
              ./isthmus eval-curve --segment runs/a runs/b-aligned --points 21 --repair --out runs/a-b-repair
            """);
        command.AddOptions([from, to, method, data, batches, seed, output, invocation.Force, invocation.DataRoot, invocation.Threads, invocation.Device]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var outcome = AlignRecipe.Run(invocation.Read(parse, new AlignSettings
            {
                From = parse.GetValue(from)!,
                To = parse.GetValue(to)!,
                Method = parse.GetValue(method)!,
                Data = parse.GetValue(data),
                Batches = parse.GetValue(batches),
                Seed = parse.GetValue(seed),
                Out = parse.GetValue(output)!,
            }), log: io.Info, ct: ct);
            var json = new JsonObject
            {
                ["folder"] = outcome.Folder, ["method"] = outcome.Method, ["seconds"] = outcome.Seconds, ["sweeps"] = outcome.Sweeps,
                ["moved_units"] = outcome.Moved, ["units"] = outcome.Units, ["max_logit_change"] = outcome.MaxLogitChange,
                ["test_error"] = outcome.Aligned.TestError, ["original_test_error"] = outcome.Original?.TestError,
            };
            string original = outcome.Original?.TestError is { } e ? string.Create(CultureInfo.InvariantCulture, $" (B: {e:F2}%)") : "";
            io.Result(string.Create(CultureInfo.InvariantCulture,
                $"aligned by {(outcome.Method == AlignSettings.Weights ? "weight" : "activation")} matching in {outcome.Seconds:F1} s{(outcome.Sweeps > 0 ? $" ({outcome.Sweeps} sweeps)" : "")}: {outcome.Moved} of {outcome.Units} units moved, max |Δ logit| {outcome.MaxLogitChange:G2}, test error {outcome.Aligned.TestError:F2}%{original} → {outcome.Folder}"), json);
            return 0;
        }));
        return command;
    }
}
