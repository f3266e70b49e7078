namespace Isthmus.Cli.Commands;

internal static class EvalCurveCommand
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "A finished `isthmus connect` folder (results go into it unless --out)." };
        var segment = CommonOptions.Runs("--segment", "Two finished train runs: evaluate the straight segment between them (needs --out).");
        var curve = new Option<string?>("--curve") { Description = "trivial: the trivial curve of A.8 from --from RUN (ReLU nets without batch norm; evaluation only)." };
        curve.AcceptOnlyFromAmong("trivial");
        var from = new Option<string?>("--from") { Description = "With --curve trivial: the train run the curve ends at." };
        var points = new Option<int>("--points") { Description = "Equally spaced t values from 0 to 1 (the reference code: 61).", DefaultValueFactory = _ => 61 };
        var bn = BatchNormOption();
        var withSegment = new Option<bool>("--with-segment") { Description = "With --run: also evaluate the segment between the curve's endpoints (segment.json) and draw it dashed." };
        var noCorrection = new Option<bool>("--no-correction") { Description = "With --segment: correct nothing; a batch-norm network's points get the endpoints' running statistics interpolated instead of recomputed (Jordan et al. 2022's baseline; docs/alignment.md)." };
        var repair = new Option<bool>("--repair") { Description = "With --segment: REPAIR each point (Jordan et al. 2022): rescale every hidden unit's mean and std over training batches to the interpolation of the endpoints' (docs/alignment.md). Batch-norm networks have their statistics recomputed instead, as always." };
        var checkpoints = new CheckpointKindOptions("--segment endpoints");
        var output = CommonOptions.Out(required: false);
        output.Description = "Folder to write (default with --run: the curve run itself; re-evaluating replaces its curve.* files).";
        var shard = CommonOptions.Shard();
        var invocation = new InvocationOptions();
        var command = new Command("eval-curve", """
            Evaluate a curve between two networks on a grid of t (docs/science.md §2, Table 2): train loss, NLL and error, test NLL
            and error, the error of the ensemble of φ(0) and φ(t), their min/max/mean/int, the length ratio and three
            barrier heights. Batch norm is recomputed at every point. Writes curve.json, curve.csv and curve.png.

            Examples:
              ./isthmus eval-curve --run runs/bezier
              ./isthmus eval-curve --run runs/bezier --points 21 --with-segment
              ./isthmus eval-curve --segment runs/a runs/b --points 21 --out runs/a-b-segment
              ./isthmus eval-curve --segment runs/a runs/b-aligned --points 21 --repair --out runs/a-b-repair
              ./isthmus eval-curve --segment runs/a runs/b --points 21 --no-correction --out runs/a-b-raw
              ./isthmus eval-curve --segment a.pt b.pt --model torchscript:net.pt --data fashion-mnist --out runs/a-b
              ./isthmus eval-curve --curve trivial --from runs/a --points 21 --out runs/a-trivial
              ./isthmus eval-curve --run runs/bezier --shard 0/2 --out runs/parts/0   # and 1/2 elsewhere, then:
              ./isthmus merge runs/parts/0 runs/parts/1                                  # curve.* into runs/bezier
            """);
        command.AddOptions([run, segment, .. checkpoints.All, curve, from, points, bn, withSegment, repair, noCorrection, output, shard, invocation.Force, invocation.DataRoot, invocation.Threads, invocation.Device]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            bool trivial = parse.GetValue(curve) == "trivial";
            if (trivial != (parse.GetValue(from) is not null))
                throw new IsthmusException("--curve trivial and --from RUN go together; see `isthmus eval-curve --help`.");
            var settings = invocation.Read(parse, new EvalCurveSettings
            {
                Run = parse.GetValue(run),
                Segment = CommonOptions.ReadRuns(parse, segment, 2, 2, "runs/a runs/b"),
                Data = checkpoints.Read(parse).Data,
                Model = checkpoints.Read(parse).Model,
                TrivialFrom = parse.GetValue(from),
                Out = parse.GetValue(output),
                Points = parse.GetValue(points),
                BatchNormBatches = ReadBatchNorm(parse.GetValue(bn)!),
                WithSegment = parse.GetValue(withSegment),
                Repair = parse.GetValue(repair),
                NoCorrection = parse.GetValue(noCorrection),
                Shard = CommonOptions.ReadShard(parse.GetValue(shard)),
            });
            var outcome = GridProgressBar.Run(io, "eval-curve", progress => EvalCurveRecipe.Run(settings, progress, io.Info, ct));
            Figures.Draw(outcome);
            if (!outcome.Shard.IsAll)
            {
                io.Result(ShardSummary(outcome.Shard, outcome.Curve.Points.Count, settings.Points, outcome.Curve.SecondsPerPoint, outcome.Folder), outcome.Result);
                return 0;
            }
            var c = outcome.Curve;
            var result = (JsonObject)outcome.Result.DeepClone();
            result["folder"] = outcome.Folder;
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{outcome.Family} over {c.Points.Count} points ({c.SecondsPerPoint:F1} s/point): {Scores(c)}, {(double.IsFinite(c.LengthRatio) ? $"length ratio {c.LengthRatio:F3}" : $"no length ratio ({CurveResults.UndefinedLengthRatio})")}");
            var barrier = c.Barriers(c.Arrays.First(a => a.Name == JudgedBy(c)).Values);
            summary += string.Create(CultureInfo.InvariantCulture,
                $", {(c.Sequence ? "test-perplexity" : "test-error")} barrier max/frankle/entezari {barrier.Max:F2}/{barrier.Frankle:F2}/{barrier.Entezari:F2}, correction: {c.Correction}");
            if (outcome.Segment is { } seg)
            {
                var se = seg.Stats(seg.Arrays.First(a => a.Name == JudgedBy(seg)).Values);
                summary += seg.Sequence
                    ? string.Create(CultureInfo.InvariantCulture, $"; segment test perplexity max {se.Max:F1}")
                    : string.Create(CultureInfo.InvariantCulture, $"; segment test error max {se.Max:F2}%");
            }
            if (c.Sequence) summary += Unigram(result);
            io.Result($"{summary} → {outcome.Folder}", result);
            return 0;
        }));
        return command;
    }

    /// <summary>"; unigram model P" when the data section carries the unigram model's test perplexity (text), for scale.</summary>
    private static string Unigram(JsonObject result) =>
        result["data"]?["unigram_perplexity"] is JsonValue v && v.TryGetValue<double>(out var p)
            ? string.Create(CultureInfo.InvariantCulture, $"; unigram model test perplexity {p:F1}") : "";

    /// <summary>The test column a curve is judged by: a language model's perplexity (Table 3), a classifier's error (Table 2).</summary>
    private static string JudgedBy(Isthmus.Evaluation.CurveEvaluation c) => c.Sequence ? "test_perplexity" : "test_error";

    /// <summary>min/int/max of what the curve is judged by: train loss and test error, or a language model's train and test perplexity.</summary>
    internal static string Scores(Isthmus.Evaluation.CurveEvaluation c)
    {
        var a = c.Stats(c.Arrays.First(x => x.Name == (c.Sequence ? "train_perplexity" : "train_loss")).Values);
        var b = c.Stats(c.Arrays.First(x => x.Name == JudgedBy(c)).Values);
        return c.Sequence
            ? string.Create(CultureInfo.InvariantCulture, $"train perplexity min/int/max {a.Min:F1}/{a.Int:F1}/{a.Max:F1}, test perplexity min/int/max {b.Min:F1}/{b.Int:F1}/{b.Max:F1}")
            : string.Create(CultureInfo.InvariantCulture, $"train loss min/int/max {a.Min:F4}/{a.Int:F4}/{a.Max:F4}, test error min/int/max {b.Min:F2}/{b.Int:F2}/{b.Max:F2}%");
    }

    /// <summary>The one line a shard run prints.</summary>
    internal static string ShardSummary(Isthmus.Evaluation.Shard shard, int evaluated, int total, double secondsPerPoint, string folder) =>
        string.Create(CultureInfo.InvariantCulture,
            $"shard {shard}: {evaluated} of {total} points ({secondsPerPoint:F1} s/point) → {folder}; combine the {shard.Count} shards with `isthmus merge`");

    /// <summary>
    /// --bn-batches. Results that are tables (curves, chains, sets, ensembles) recompute batch norm on the whole
    /// training split by default, so that t = 0 and t = 1 reproduce the endpoints exactly; grids of pictures
    /// (<paramref name="grid"/>: planes) default to the measured 10 batches.
    /// </summary>
    internal static Option<string> BatchNormOption(bool grid = false) => new("--bn-batches")
    {
        Description = grid
            ? "Training batches (of 1000) used to recompute batch-norm statistics at each point: N, or all. The default, 10, moved test error by at most 0.08 pp from the whole pass (docs/performance.md)."
            : "Training batches (of 1000) used to recompute batch-norm statistics at each point: N, or all (the default: exact, so t = 0 and t = 1 reproduce the endpoints). 10 batches moved test error by at most 0.08 pp (docs/performance.md).",
        DefaultValueFactory = _ => grid ? Isthmus.Evaluation.BatchNormCalibration.DefaultGridBatches.ToString(CultureInfo.InvariantCulture) : "all",
    };

    internal static int? ReadBatchNorm(string value)
    {
        if (value == "all") return null;
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0) return n;
        throw new IsthmusException($"--bn-batches must be 'all' or a positive whole number (got '{value}').");
    }
}
