using Isthmus.Methods;
using Isthmus.Training;

namespace Isthmus.Studies;

public enum SubRunKind { Train, Sse, Fge }

/// <summary>One run the comparison needs: an ordinary <c>train</c>, <c>sse</c> or <c>fge</c> folder <c>DIR/&lt;Name&gt;</c>.</summary>
/// <param name="Seed">The run's own seed (initialisation, batch order): s + 1000·(j − 1) for run j of replicate s.</param>
/// <param name="Epochs">train: B; sse: its budget; fge: its cyclic epochs after ŵ.</param>
/// <param name="Snapshots">sse: M, its cycles.</param>
/// <param name="From">fge: the train run whose <c>checkpoint-&lt;StartEpoch&gt;</c> is ŵ.</param>
/// <param name="StartEpoch">fge: the epoch of ŵ; train: the checkpoint kept for FGE.</param>
/// <param name="TrajectoryPoints">fge: points per cycle also scored for Figure 3 left.</param>
public sealed record SubRun(string Name, SubRunKind Kind, long Seed, int Epochs, int Snapshots = 0, string? From = null, int StartEpoch = 0, int TrajectoryPoints = 0);

/// <summary>The networks of one sub-run that enter an ensemble: a train run's model, or a member run's members.</summary>
/// <param name="UpToIteration">Member runs: only the members collected at or before this iteration (null = all).</param>
/// <param name="EpochOffset">Epochs of training the method had spent when this run's epoch 0 began (Figure 3 right's time axis).</param>
public sealed record Pick(string Run, long? UpToIteration, double EpochOffset);

/// <summary>One ensemble of the table: a method at budget kB for one seed, its networks in the order they were trained.</summary>
public sealed record Cell(string Method, int K, long Seed, IReadOnlyList<Pick> Picks);

/// <summary>
/// Which runs a comparison trains and which of their networks each ensemble takes — pure arithmetic on the settings
/// and the minibatches per epoch, so that every reuse can be checked by a test. Two protocols:
/// <list type="bullet">
/// <item><see cref="Paper"/> (Table 1, §5): at budget kB each method runs k times from random initialisations, B
/// epochs each, and ensembles everything gathered. Ind: k runs of the standard schedule. SSE: k runs of M cosine
/// cycles. FGE: k runs that each train with the standard schedule of B epochs to E0 ≈ 0.8·B, then cycle for the
/// remaining B − E0 epochs.</item>
/// <item><see cref="OneRun"/>: what one long run would give. Ind as above; SSE one run of kB epochs with k·M cycles;
/// FGE one standard run to E0, then cycles for kB − E0 epochs.</item>
/// </list>
/// Reuse is taken only where the results are identical bit for bit (each is stated in <see cref="Notes"/>): a run
/// never depends on k, so the runs of a smaller k are part of a larger one's; and FGE's pre-training to E0 is the
/// first E0 epochs of the Ind run with the same seed (the standard schedule, batch order and dropout depend only on
/// (seed, epoch)), so FGE run j starts from that run's <c>checkpoint-E0</c>.
/// </summary>
public sealed class ComparePlan
{
    public const string Paper = "paper", OneRun = "one-run";
    public static readonly IReadOnlyList<string> Protocols = [Paper, OneRun];
    public static readonly IReadOnlyList<string> Methods = ["ind", "sse", "fge"];

    /// <summary>Seeds of run j within replicate s are s + SeedStride·(j − 1).</summary>
    public const long SeedStride = 1000;

    public required string Protocol { get; init; }
    public required IReadOnlyList<SubRun> Runs { get; init; }
    public required IReadOnlyList<Cell> Cells { get; init; }
    public required int BatchesPerEpoch { get; init; }
    /// <summary>E0: the epoch of the standard run that FGE starts from.</summary>
    public required int FgeStartEpoch { get; init; }
    public required double FgeCycleEpochs { get; init; }
    /// <summary>c, the FGE cycle in iterations (even).</summary>
    public required long FgeCycleIterations { get; init; }
    public required bool FgeCycleRounded { get; init; }
    /// <summary>The FGE run whose trajectory points make Figure 3 left.</summary>
    public required string TracedRun { get; init; }
    /// <summary>What was reused and why it is exact, one sentence each.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    public static long RunSeed(long seed, int j) => seed + SeedStride * (j - 1);

    /// <summary>Checks what can be checked before any data is loaded; one sentence per problem, naming the flag.</summary>
    public static void Validate(CompareSettings s)
    {
        if (!Protocols.Contains(s.Protocol)) throw new IsthmusException($"Unknown --protocol '{s.Protocol}'; choose {Paper} (k runs of B per method, Table 1) or {OneRun} (one run stretched to kB).");
        if (s.Budget < 2) throw new IsthmusException($"--budget must be at least 2 epochs, so that FGE has a pre-trained start and epochs to cycle in (got {s.Budget}).");
        if (s.Ks.Count == 0 || s.Ks.Any(k => k < 1) || s.Ks.Distinct().Count() != s.Ks.Count)
            throw new IsthmusException($"--k must list distinct budgets multiples of at least 1, e.g. 1,2 (got {string.Join(",", s.Ks)}).");
        if (s.Seeds.Count == 0 || s.Seeds.Distinct().Count() != s.Seeds.Count)
            throw new IsthmusException($"--seeds must list distinct seeds, e.g. 1,2 (got {string.Join(",", s.Seeds)}).");
        int kmax = s.Ks.Max();
        var runSeeds = s.Seeds.SelectMany(seed => Enumerable.Range(1, kmax).Select(j => RunSeed(seed, j))).ToList();
        if (runSeeds.Distinct().Count() != runSeeds.Count)
            throw new IsthmusException($"--seeds {string.Join(",", s.Seeds)} would train the same network twice (run j of seed s uses seed s + {SeedStride}·(j − 1)); choose seeds less than {SeedStride} apart.");
        new SgdHyperparameters(s.Budget, s.BatchSize, s.Lr, s.Momentum, s.WeightDecay, "standard", s.Seeds[0], 0).Validate();
        if (!(s.FgeStart > 0 && s.FgeStart < 1)) throw new IsthmusException($"--fge-start must be a fraction of the budget between 0 and 1 (the paper: 0.8; got {s.FgeStart}).");
        if (s.FgeCycle is { } c && (!(c > 0) || !double.IsFinite(c))) throw new IsthmusException($"--fge-cycle must be a positive number of epochs (got {c}).");
        _ = new FgeSchedule(s.FgeLr1, s.FgeLr2, 2);
        if (s.SseSnapshots < 1) throw new IsthmusException($"--sse-snapshots must be at least 1 (got {s.SseSnapshots}).");
        if (!(s.SseLr0 > 0) || !double.IsFinite(s.SseLr0)) throw new IsthmusException($"--sse-lr0 must be a positive number (got {s.SseLr0}).");
        if (s.TrajectoryPoints < 0) throw new IsthmusException($"--trajectory-points must not be negative (got {s.TrajectoryPoints}).");
    }

    /// <summary>E0 = round(fraction·B), kept within 1 … B − 1.</summary>
    public static int FgeStartEpochOf(CompareSettings s) => Math.Clamp((int)Math.Round(s.FgeStart * s.Budget, MidpointRounding.AwayFromZero), 1, s.Budget - 1);

    public static ComparePlan Create(CompareSettings s, int batchesPerEpoch)
    {
        Validate(s);
        int b = s.Budget, n = batchesPerEpoch, kmax = s.Ks.Max(), e0 = FgeStartEpochOf(s);
        bool paper = s.Protocol == Paper;
        // FGE: the cycle, and at least one member in the shortest FGE part (k = 1: B − E0 epochs).
        int fgeEpochs = b - e0;
        double cycle = s.FgeCycle ?? fgeEpochs / 4.0;
        long c = FgeSchedule.CycleIterationsFor(cycle, n, out bool rounded);
        var fge = new FgeSchedule(s.FgeLr1, s.FgeLr2, c);
        if (!fge.Collections((long)fgeEpochs * n).Any())
            throw new IsthmusException($"FGE cycles for B − E0 = {fgeEpochs} epochs ({(long)fgeEpochs * n} iterations) per single budget, fewer than half a cycle of {c} iterations, so it would collect no member; shorten --fge-cycle or lower --fge-start.");
        // SSE: one run of kmax·B with kmax·M cycles holds every smaller budget exactly only when M divides B·n (then
        // every budget's cycle is B·n/M and ends on a budget boundary); otherwise each budget gets its own run.
        bool sseShared = !paper && (long)b * n % s.SseSnapshots == 0;
        foreach (var budget in paper ? [b] : sseShared ? [kmax * b] : s.Ks.Select(k => k * b).ToArray())
            _ = new SnapshotSchedule(s.SseLr0, (long)budget * n, s.SseSnapshots * budget / b);

        var runs = new List<SubRun>();
        var cells = new List<Cell>();
        string? traced = null;
        foreach (var seed in s.Seeds)
        {
            string Name(string method, int j) => string.Create(CultureInfo.InvariantCulture, $"{method}-s{seed}-r{j}");
            int TracePoints(string name)
            {
                if (traced is not null) return 0;
                traced = name;
                return s.TrajectoryPoints;
            }
            for (int j = 1; j <= kmax; j++)
            {
                long runSeed = RunSeed(seed, j);
                runs.Add(new SubRun(Name("ind", j), SubRunKind.Train, runSeed, b, StartEpoch: e0));
                if (paper)
                {
                    runs.Add(new SubRun(Name("fge", j), SubRunKind.Fge, runSeed, fgeEpochs, From: Name("ind", j), StartEpoch: e0, TrajectoryPoints: TracePoints(Name("fge", j))));
                    runs.Add(new SubRun(Name("sse", j), SubRunKind.Sse, runSeed, b, Snapshots: s.SseSnapshots));
                }
                else if (j == 1)
                {
                    var fgeName = string.Create(CultureInfo.InvariantCulture, $"fge-s{seed}");
                    runs.Add(new SubRun(fgeName, SubRunKind.Fge, runSeed, kmax * b - e0, From: Name("ind", 1), StartEpoch: e0, TrajectoryPoints: TracePoints(fgeName)));
                    foreach (var k in sseShared ? [kmax] : s.Ks.Order().ToArray())
                        runs.Add(new SubRun(SseName(seed, k, sseShared), SubRunKind.Sse, runSeed, k * b, Snapshots: k * s.SseSnapshots));
                }
            }
            foreach (var k in s.Ks.Order())
            {
                cells.Add(new Cell("ind", k, seed, Enumerable.Range(1, k).Select(j => new Pick(Name("ind", j), null, (j - 1) * b)).ToList()));
                if (paper)
                {
                    cells.Add(new Cell("sse", k, seed, Enumerable.Range(1, k).Select(j => new Pick(Name("sse", j), null, (j - 1) * b)).ToList()));
                    cells.Add(new Cell("fge", k, seed, Enumerable.Range(1, k).Select(j => new Pick(Name("fge", j), null, (j - 1) * b + e0)).ToList()));
                }
                else
                {
                    cells.Add(new Cell("sse", k, seed, [new Pick(SseName(seed, sseShared ? kmax : k, sseShared), sseShared ? (long)k * b * n : null, 0)]));
                    cells.Add(new Cell("fge", k, seed, [new Pick(string.Create(CultureInfo.InvariantCulture, $"fge-s{seed}"), (long)(k * b - e0) * n, e0)]));
                }
            }
        }

        var notes = new List<string>
        {
            "Ind at kB ensembles the first k of the same independent runs, so every run of a smaller budget is part of the larger ones (no run depends on k).",
            $"FGE's pre-training (the standard schedule of B = {b} epochs, stopped at epoch {e0}) is trained once: it is the first {e0} epochs of the Ind run with the same seed, whose checkpoint-{e0} is FGE's ŵ.",
        };
        if (paper)
            notes.Add("SSE and FGE at kB ensemble their runs 1 … k, so runs 1 … k − 1 are shared with the smaller budgets.");
        else
        {
            notes.Add($"FGE at kB takes the members of one FGE run of {kmax * b - e0} epochs collected in its first kB − {e0} epochs: the cyclic rate depends only on the iteration since ŵ and each epoch's batch order only on (seed, epoch), so they are exactly the members of an FGE run of kB − {e0} epochs.");
            notes.Add(sseShared
                ? $"SSE at kB takes the snapshots in the first kB epochs of one run of {kmax * b} epochs with {kmax * s.SseSnapshots} cycles: M = {s.SseSnapshots} divides B·n = {(long)b * n} iterations, so every budget's cycle is the same {(long)b * n / s.SseSnapshots} iterations and ends on the budget's last iteration, and those snapshots are exactly a kB run's."
                : $"SSE gets one run per budget: M = {s.SseSnapshots} does not divide B·n = {(long)b * n} iterations, so a kB run's last, shorter cycle would not be a prefix of a longer run.");
        }
        return new ComparePlan
        {
            Protocol = s.Protocol, Runs = runs, Cells = cells, BatchesPerEpoch = n, FgeStartEpoch = e0, FgeCycleEpochs = cycle,
            FgeCycleIterations = c, FgeCycleRounded = rounded, TracedRun = traced!, Notes = notes,
        };
    }

    private static string SseName(long seed, int k, bool shared) =>
        shared ? string.Create(CultureInfo.InvariantCulture, $"sse-s{seed}") : string.Create(CultureInfo.InvariantCulture, $"sse-s{seed}-{k}B");
}
