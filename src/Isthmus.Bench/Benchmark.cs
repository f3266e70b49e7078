namespace Isthmus.Bench;

/// <summary>One measured ratio, with the absolute numbers it was made from.</summary>
/// <param name="RatioLow">Lower end of the 95 % confidence interval of the ratio (the median of paired ratios), where one was measured.</param>
/// <param name="RatioHigh">Upper end of that interval.</param>
public sealed record BenchRow(string Name, double Ratio, double Baseline, double Measured, string Unit, BenchGoal Goal, string Note,
    double? RatioLow = null, double? RatioHigh = null)
{
    /// <summary>Whether the row meets its goal (<see cref="BenchGoal.Judge"/>); null without a goal.</summary>
    public string? Verdict => Goal.Judge(Ratio, RatioLow, RatioHigh);
}

/// <summary>How far a group of benchmark rows has come: <see cref="Done"/> of <see cref="Total"/> equal parts (pairs of phases, runs).</summary>
public readonly record struct BenchProgress(string Group, int Done, int Total);

/// <summary>Settings of <c>isthmus bench</c>.</summary>
public sealed record BenchSettings
{
    public bool Quick { get; init; }
    /// <summary>Every row at toy size (a few steps, small slices): checks the pipeline, measures nothing (tests).</summary>
    public bool Smoke { get; init; }
    public string? DataRoot { get; init; }
    public int? Threads { get; init; }
    public string Device { get; init; } = "auto";
    /// <summary>Only these groups of rows (<see cref="Benchmark.Groups"/>); null or empty = all.</summary>
    public IReadOnlyList<string>? Only { get; init; }
    /// <summary>Pairs of blocks per timed row instead of the size's own (more pairs: a narrower interval).</summary>
    public int? Pairs { get; init; }
    /// <summary>Minibatch size of every training row (the reference code's 128 by default).</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Hidden widths of the MLP the MLP rows use, comma-separated (the demo's 800,800 when null).</summary>
    public string? Widths { get; init; }
}

/// <summary>
/// Ratios measured in one process on the same model, data and batch size: curve step ÷ plain step, FGE step ÷
/// plain step (the overheads docs/performance.md sets goals for), evaluation throughput ÷ plain inference, memory after many steps ÷ after few, and plain
/// training against the machine's measured matrix-multiply peak. Timed rows alternate blocks of the two kinds in pairs
/// (A B, B A, ...), so that drift in the machine's speed hits both alike, and report the median paired ratio with a
/// 95 % confidence interval; each row with a goal is judged against it (<see cref="BenchGoal"/>).
/// </summary>
public static partial class Benchmark
{
    /// <summary>The groups of rows <c>--only</c> selects, in the order they run.</summary>
    public static readonly IReadOnlyList<string> Groups = ["curve-mlp", "curve-convfc", "torchscript", "fge", "eval", "grid", "grid-conv", "grid-memory", "bf16", "memory", "peak", "deep", "cuts"];

    /// <summary>
    /// Measures the rows of <paramref name="s"/>. <paramref name="measured"/> is called with the rows so far after every
    /// group (to keep what an interrupted run finished); <paramref name="progress"/> hears how far each group has come.
    /// </summary>
    public static IReadOnlyList<BenchRow> Run(BenchSettings s, Action<string>? log = null, CancellationToken ct = default,
        Action<IReadOnlyList<BenchRow>>? measured = null, IProgress<BenchProgress>? progress = null)
    {
        var only = s.Only is { Count: > 0 } selected ? selected : Groups;
        if (only.FirstOrDefault(g => !Groups.Contains(g)) is { } unknown)
            throw new IsthmusException($"--only takes groups of rows among {string.Join(", ", Groups)} (got '{unknown}').");
        if (s.Pairs is < 1) throw new IsthmusException($"--pairs must be at least 1 (got {s.Pairs}).");
        if (s.BatchSize < 1) throw new IsthmusException($"--batch-size must be at least 1 (got {s.BatchSize}).");
        using var session = Session.Open("mnist", s.DataRoot, 0, s.Threads, s.Device, log: log);
        var rows = new List<BenchRow>();

        // One group of rows, if selected: its heading, its progress in equal parts (the measurement reports each part
        // as it finishes; what it does not report is counted done at the end), then the rows so far to `measured`.
        void Measure(string group, string heading, int parts, Func<Action, IEnumerable<BenchRow>> measure)
        {
            if (!only.Contains(group)) return;
            ct.ThrowIfCancellationRequested();
            log?.Invoke(heading);
            int done = 0;
            void PartDone()
            {
                done++;
                progress?.Report(new BenchProgress(group, Math.Min(done, parts), parts));
            }
            progress?.Report(new BenchProgress(group, 0, parts));
            rows.AddRange(measure(PartDone));
            while (done < parts) PartDone();
            measured?.Invoke(rows);
        }

        var size = s.Smoke ? Size.Smoke : s.Quick ? Size.Quick : Size.Full;
        // Blocks of steps, timed in pairs (A B, then B A, ...): the ratio is the median of the pairs' ratios.
        // The MLP's steps are short, so its rows whose goals are tight (curve ≤ 1.10, FGE ≤ 1.03) take more pairs.
        int steps = size.Steps, repeats = s.Pairs ?? size.Pairs, mlpRepeats = s.Pairs ?? size.MlpPairs, batch = s.BatchSize;

        var mlp = s.Widths is { } widths ? new ArchitectureSpec("mlp").With("widths", widths.Replace(" ", "")) : new ArchitectureSpec("mlp");
        mlp.Integers("widths", [800, 800]); // a malformed --widths is refused now, not after the rows before the first MLP row
        var convBn = new ArchitectureSpec("convfc").With("bn", "true").With("width_factor", "0.5");
        foreach (var (spec, group, pairs) in new[] { (mlp, "curve-mlp", mlpRepeats), (convBn, "curve-convfc", repeats) })
            Measure(group, $"{spec}: timing plain and curve steps ({pairs} pairs of {steps}-step blocks)", pairs + 1, partDone =>
            {
                var t = StepTimes(session, spec, steps, pairs, batch, ct, partDone);
                return [new BenchRow($"curve step / plain step ({spec})", t.Ratio, t.A * 1000, t.B * 1000, "ms/step", BenchGoal.Below(1.10), $"Bezier, 1 bend; batch {batch}; {t.Spread}", t.CiLow, t.CiHigh)];
            });
        Measure("torchscript", $"{convBn} from the zoo and written in PyTorch: plain and curve steps ({repeats} pairs of {steps}-step blocks each)", 2 * (repeats + 1),
            partDone => TorchScriptRows(session, convBn, steps, repeats, batch, ct, partDone, log).ToList());
        Measure("fge", $"{mlp}: timing plain and FGE steps ({mlpRepeats} pairs of {steps}-step blocks)", mlpRepeats + 2,
            partDone => [FgeRow(session, mlp, steps, mlpRepeats, batch, ct, partDone)]);
        Measure("eval", "evaluation throughput", 1, _ => EvaluationThroughput(session, convBn, size.EvalExamples, ct));
        Measure("grid", $"{mlp}: grid points scored several per pass against one at a time ({size.GridPhases} phases each)",
            size.GridPhases + 1, partDone => StackedEvaluation(session, mlp, PointEvaluator.DefaultPointsPerPass, size.GridPhases, size.GridExamples, ct, partDone));
        Measure("grid-conv", $"{convBn}: grid points scored several per pass against one at a time ({size.GridPhases} phases each)",
            size.GridPhases + 1, partDone => StackedEvaluation(session, convBn, 8, size.GridPhases, size.GridExamples / 2, ct, partDone));
        Measure("grid-memory", $"{mlp}: peak memory of a grid against training steps", 1, _ => [GridMemory(session, mlp, steps, size.GridExamples, batch, ct)]);
        Measure("bf16", $"bf16 autocast against fp32: step times ({repeats} × {steps} steps each) and test error after a short run", 2 * (repeats + 1) + 2,
            partDone => [.. new[] { mlp, convBn }.Select(spec => Bf16StepTime(session, spec, steps, repeats, batch, ct, partDone)),
                Bf16Accuracy(session, mlp, size.Bf16Epochs, size.Bf16Examples, batch, ct, partDone)]);
        Measure("memory", "memory over many steps", MemoryParts, partDone => [Memory(session, mlp, size.MemorySteps, batch, ct, partDone)]);
        Measure("peak", "matrix-multiply peak", 1, _ => [PeakFraction(session, mlp, steps, batch, ct)]);
        Measure("deep", "a deep network: peak memory of training steps and of an evaluation pass", 1, _ => DeepRows(s.Smoke, ct));
        Measure("cuts", $"{mlp}: plain and random-cut steps at d = {string.Join(", ", CutDimensions)} ({repeats} pairs of {steps}-step blocks each)", 3 * (repeats + 1),
            partDone => CutRows(session, mlp, steps, repeats, batch, ct, partDone).ToList());
        return rows;
    }

    private static BenchRow FgeRow(Session session, ArchitectureSpec mlp, int steps, int repeats, int batch, CancellationToken ct, Action? partDone)
    {
        int cycle = FgeBenchCycle(session.Data, batch);
        var (fge, member) = FgeStepTimes(session, mlp, steps, repeats, batch, cycle, ct, partDone);
        double perStep = member / cycle;
        return new BenchRow($"FGE step / plain step ({mlp})", fge.Ratio + perStep / fge.A, fge.A * 1000, (fge.B + perStep) * 1000, "ms/step", BenchGoal.Below(1.03),
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"cyclic rate every step (steps alone: {fge.Ratio:0.000}, {fge.Spread}) plus one member per cycle of {cycle} steps (2 epochs): {member * 1000:0.0} ms per member to copy and write it, waited for; batch {batch}"),
            fge.CiLow + perStep / fge.A, fge.CiHigh + perStep / fge.A);
    }

    /// <summary>
    /// How much each row measures: steps per block, pairs of blocks (of the MLP's curve and FGE rows, and of the
    /// others), pairs of grid phases and the examples of each split a grid phase scores (9 pairs or more give an
    /// interval narrower than their range), examples of the curve-point row, the bf16 run, steps of the memory row.
    /// </summary>
    private sealed record Size(int Steps, int MlpPairs, int Pairs, int GridPhases, long GridExamples, long EvalExamples, int Bf16Epochs, long Bf16Examples, int MemorySteps)
    {
        public static readonly Size Full = new(50, 100, 40, 10, 5000, 10000, 3, long.MaxValue, 2000);
        public static readonly Size Quick = new(40, 16, 16, 9, 3000, 10000, 1, long.MaxValue, 600);
        public static readonly Size Smoke = new(4, 2, 2, 1, 1000, 1000, 1, 1000, 120);
    }

    /// <summary>Seconds per step of plain training (A) and of curve training (B), blocks paired.</summary>
    private static Paired StepTimes(Session session, ArchitectureSpec spec, int steps, int repeats, int batch, CancellationToken ct, Action? pairDone)
    {
        using var data = Slice(session.Data, (long)steps * batch, 1000);
        using var plainNet = session.Build(spec, 1, seed: 1);
        using var curveNet = session.Build(spec, 3, seed: 1);
        using var plainOpt = new Sgd(plainNet.Space.TrainableTensors(), 0.9, 5e-4);
        curveNet.Space.SetTrainable(0, false);
        curveNet.Space.SetTrainable(2, false);
        using var curveOpt = new Sgd(curveNet.Space.TrainableTensors(), 0.9, 0);
        var sampler = new CurveSampler(new Bezier(1));
        return Alternate(r => Phase(plainNet, plainOpt, FixedPoint.Instance, data, batch, 5e-4, r, ct),
            r => Phase(curveNet, curveOpt, sampler, data, batch, 5e-4, r, ct), repeats, pairDone);
    }

    /// <summary>
    /// Two timings measured in pairs: medians of A and of B, and the median over pairs of B ÷ A with its range and a
    /// distribution-free 95 % confidence interval. Pairing cancels slow drift in the machine's speed (another process,
    /// frequency changes) that medians of separate phases keep; noise within a pair shows as the spread of the pairs'
    /// ratios, and the interval says how far the median itself can be trusted (whether a goal is met).
    /// </summary>
    internal readonly record struct Paired(double A, double B, double Ratio, double Low, double High, int Pairs, double CiLow, double CiHigh)
    {
        public string Spread => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"median of {Pairs} paired ratios (95 % CI {CiLow:0.000}–{CiHigh:0.000}), range {Low:0.000}–{High:0.000}");
    }

    /// <summary>
    /// A confidence interval of at least 95 % for the median of <paramref name="xs"/> that assumes nothing about their
    /// distribution: the j-th smallest and the j-th largest value, with j the largest rank such that
    /// P(Binomial(n, ½) &lt; j) ≤ 2.5 % (for 40 values, the 14th and 27th). For 8 values or fewer it is the whole range.
    /// </summary>
    internal static (double Low, double High) MedianInterval(IReadOnlyList<double> xs)
    {
        var s = xs.OrderBy(x => x).ToArray();
        int n = s.Length;
        double tail = 0, term = Math.Pow(0.5, n); // P(X = i) for X ~ Binomial(n, 1/2), starting at i = 0
        int j = 1;
        for (int i = 0; i < n; i++)
        {
            tail += term;
            if (tail > 0.025) break;
            j = i + 1; // P(X < i + 1) <= 2.5 %: the i + 1 smallest may be excluded
            term *= (double)(n - i) / (i + 1);
        }
        j = Math.Min(j, (n + 1) / 2);
        return (s[j - 1], s[n - j]);
    }

    /// <summary>
    /// Runs <paramref name="a"/> and <paramref name="b"/> <paramref name="repeats"/> times each in pairs, alternating which
    /// goes first (A B, B A, ...), after one warm-up of each. Each call gets its repetition number (0 = warm-up);
    /// <paramref name="pairDone"/> is called after every pair, the warm-up included.
    /// </summary>
    private static Paired Alternate(Func<int, double> a, Func<int, double> b, int repeats, Action? pairDone = null)
    {
        var ta = new List<double>();
        var tb = new List<double>();
        var ratios = new List<double>();
        for (int r = 0; r <= repeats; r++)
        {
            double x, y;
            if (r % 2 == 0) { x = a(r); y = b(r); }
            else { y = b(r); x = a(r); }
            pairDone?.Invoke();
            if (r == 0) continue;
            ta.Add(x);
            tb.Add(y);
            ratios.Add(y / x);
        }
        var (low, high) = MedianInterval(ratios);
        return new Paired(Median(ta), Median(tb), Median(ratios), ratios.Min(), ratios.Max(), ratios.Count, low, high);
    }

    /// <summary>
    /// Seconds per step of one epoch of the shared training loop over <paramref name="data"/> in minibatches of
    /// <paramref name="batch"/>: the clock runs from the end of the first step to the end of the last, so the epoch's
    /// set-up and its evaluation are not counted.
    /// </summary>
    private static double Phase(Network net, Sgd optimizer, IPointSampler sampler, DataBundle data, int batch, double wd, int epoch, CancellationToken ct,
        ScalarType? autocast = null, ISchedule? schedule = null)
    {
        var clock = new Stopwatch();
        var train = BatchSources.Training(data, batch, 1);
        int last = train.BatchesPerEpoch - 1;
        var job = new TrainingJob
        {
            Network = net, Train = train, Eval = BatchSources.Evaluation(data), Schedule = schedule ?? new ConstantSchedule(0.01),
            Optimizer = optimizer, WeightDecay = wd, Epochs = epoch + 1, StartEpoch = epoch, Seed = 1, Sampler = sampler, Autocast = autocast,
            AfterStep = step =>
            {
                if (step.Batch == 0) clock.Restart();
                else if (step.Batch == last) clock.Stop();
            },
        };
        Trainer.Run(job, ct: ct);
        return clock.Elapsed.TotalSeconds / last;
    }

    private static IEnumerable<BenchRow> EvaluationThroughput(Session session, ArchitectureSpec spec, long examples, CancellationToken ct)
    {
        using var data = Slice(session.Data, examples, examples);
        using var net = session.Build(spec, 3, seed: 1);
        var trainEval = BatchSources.TrainingForEvaluation(data);
        var eval = BatchSources.Evaluation(data);
        double plainRate = PlainInferenceRate(net, eval, data.Eval!.Count, ct);

        var evaluator = new PointEvaluator(trainEval, eval, 5e-4);
        var family = new Bezier(1);
        var points = Landscape.PathStatistics.UniformGrid(5);
        var clock = Stopwatch.StartNew();
        foreach (var t in points)
        {
            net.Space.MoveTo(family.Coefficients(t));
            evaluator.Evaluate(net, ct);
        }
        // Throughput counts the examples a user asks about (train + test per point); the BN pass is overhead.
        double curveRate = points.Length * (data.Train!.Count + data.Eval.Count) / clock.Elapsed.TotalSeconds;
        yield return new BenchRow($"curve-point evaluation / plain inference ({spec})", curveRate / plainRate, plainRate, curveRate, "examples/s",
            BenchGoal.None, "one point at a time (batch norm is recomputed per point), batch-norm pass included");
    }

    /// <summary>The first <paramref name="train"/> training and <paramref name="eval"/> test examples, sharing memory with the session's data.</summary>
    private static DataBundle Slice(DataBundle data, long train, long eval)
    {
        ImageDataset Take(ImageDataset d, long n) => new(d.Images.narrow(0, 0, Math.Min(n, d.Count)), d.Labels.narrow(0, 0, Math.Min(n, d.Count)), d.Normalization);
        return DataBundle.ForImages(data.Name, Take(data.Train!, train), Take(data.Eval!, eval), data.Classes, augment: false);
    }

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
