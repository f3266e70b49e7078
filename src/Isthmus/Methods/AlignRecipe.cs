using Isthmus.Data;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Space.Permutations;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>Settings of <c>isthmus align</c>.</summary>
public sealed record AlignSettings : InvocationSettings
{
    public const string Weights = "weights", Activations = "activations";

    /// <summary>The train run aligned to (A, left as it is).</summary>
    public required string From { get; init; }
    /// <summary>The train run whose hidden units are relabelled (B).</summary>
    public required string To { get; init; }
    /// <summary><see cref="Weights"/> or <see cref="Activations"/>.</summary>
    public string Method { get; init; } = Weights;
    /// <summary>Activation matching: the data set whose training split is fed to both networks; null = the runs' own.</summary>
    public string? Data { get; init; }
    /// <summary>Activation matching: training batches (of 1000) to correlate over; null = all.</summary>
    public int? Batches { get; init; }
    /// <summary>Weight matching: seeds the order in which groups are visited.</summary>
    public int Seed { get; init; }
    public required string Out { get; init; }
}

/// <param name="Folder">The run folder holding B′.</param>
/// <param name="Seconds">Time the matching itself took.</param>
/// <param name="Sweeps">Weight matching's sweeps over the groups; 0 for activation matching.</param>
/// <param name="Moved">Hidden units that changed place, of <paramref name="Units"/>.</param>
/// <param name="MaxLogitChange">max |logits(B′) − logits(B)| over one evaluation batch: 0 up to rounding.</param>
public sealed record AlignOutcome(string Folder, string Method, double Seconds, int Sweeps, long Moved, long Units, double MaxLogitChange,
    MetricsSection Aligned, MetricsSection? Original);

/// <summary>
/// <c>isthmus align</c>: relabels B's hidden units to match A's (Ainsworth et al. 2022) — by weight matching or by
/// activation matching — and writes the permuted network B′ as a train run: the same function as B (its logits equal
/// up to rounding), a different point of weight space, which every command takes like any trained network. The run
/// folder also holds the permutations (<c>permutations.json</c>) and a manifest naming A and B. Whether the segment
/// A–B′ has a lower barrier than A–B is for <c>eval-curve --segment</c> to measure (docs/alignment.md).
/// </summary>
public static class AlignRecipe
{
    public const string Command = "align", PermutationsFile = "permutations.json";

    /// <param name="session">An already open session over the runs' data (owned by the caller); null opens one.</param>
    public static AlignOutcome Run(AlignSettings s, Session? session = null, Action<string>? log = null, CancellationToken ct = default)
    {
        if (s.Method is not (AlignSettings.Weights or AlignSettings.Activations))
            throw new IsthmusException($"--method must be '{AlignSettings.Weights}' or '{AlignSettings.Activations}' (got '{s.Method}').");
        if (s.Batches is < 1) throw new IsthmusException($"--batches must be a positive number (got {s.Batches}).");
        if (s.Data is not null && s.Method != AlignSettings.Activations)
            throw new IsthmusException("--data chooses the examples of activation matching; weight matching reads no data, so drop it or pass --method activations.");
        var runs = TrainedRun.OpenAll([s.From, s.To], "align", "--from and --to");
        var (a, b) = (runs[0], runs[1]);
        using var opened = Session.OpenFor(a.Kind, s, session, log);
        session ??= opened!;
        // B′ is scored on the runs' own data; activation matching may feed another data set of the same shape.
        using var other = s.Data is not null && s.Data != a.Data ? Session.Open(s.Data, s.DataRoot, 0, s.Threads, s.Device, 0, log) : null;
        if (other is not null && !other.Data.InputShape.SequenceEqual(session.Data.InputShape))
            throw new IsthmusException($"--data {s.Data} holds inputs of shape [{string.Join(", ", other.Data.InputShape)}], but the networks take [{string.Join(", ", session.Data.InputShape)}]; pass a data set of the same shape.");
        using var netA = Load(session, a);
        using var netB = Load(session, b);
        using var spaceA = netA.Space; // a network does not own its weight space
        using var spaceB = netB.Space;
        var groups = NetworkPermutation.Groups(netA);
        var run = RunDirectory.Create(s.Out, Command, s.Force, resume: false);

        log?.Invoke($"Matching {b.Path}'s hidden units to {a.Path}'s by {(s.Method == AlignSettings.Weights ? "weight" : "activation")} matching...");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int sweeps = 0;
        PermutationSet perms;
        if (s.Method == AlignSettings.Weights)
        {
            var matched = WeightMatching.Match(groups, NetworkPermutation.Parameters(netA), NetworkPermutation.Parameters(netB), s.Seed);
            (perms, sweeps) = (matched.Permutations, matched.Sweeps);
        }
        else perms = ActivationMatching.Match(netA, netB, BatchSources.TrainingForEvaluation((other ?? session).Data), s.Batches, ct);
        double seconds = clock.Elapsed.TotalSeconds;

        double change = Permute(netB, perms, BatchSources.Evaluation(session.Data));
        log?.Invoke("Scoring the aligned network on both splits...");
        var scored = session.Evaluator(b.WeightDecay).Evaluate(netB, ct);
        var aligned = MetricsSection.Of(scored, session.Data.Kind == DataKind.Text);

        Checkpoint.Save(run.File(TrainedRun.ModelFile), netB);
        Json.Write(run.File(PermutationsFile), PermutationsJson(perms, s.Method));
        Describe(run, s, session, netB, b, a, new JsonObject
        {
            ["method"] = s.Method, ["data"] = s.Method == AlignSettings.Activations ? (other ?? session).Data.Name : null, ["from"] = a.Path, ["to"] = b.Path, ["permutations"] = PermutationsFile,
            ["seconds"] = Json.Number(seconds), ["sweeps"] = s.Method == AlignSettings.Weights ? sweeps : null,
            ["batches"] = s.Method == AlignSettings.Activations ? (s.Batches is { } n ? n : "all") : null,
            ["moved_units"] = Moved(perms), ["units"] = groups.Sum(g => g.Size), ["max_logit_change"] = Json.Number(change),
        });
        run.Manifest.Final = aligned;
        run.Complete();
        return new AlignOutcome(run.Path, s.Method, seconds, sweeps, Moved(perms), groups.Sum(g => g.Size), change, aligned, b.Final);
    }

    private static Network Load(Session session, TrainedRun run)
    {
        var net = session.Build(run.Architecture, controlPoints: 1, seed: 0);
        Checkpoint.Load(run.ModelPath, net);
        return net;
    }

    /// <summary>Permutes <paramref name="net"/> in place; returns max |Δ logits| over the first evaluation batch.</summary>
    private static double Permute(Network net, PermutationSet perms, IBatchSource eval)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        net.Training = false;
        eval.BeginEpoch(0);
        var x = eval.Batch(0).X;
        var before = net.Forward(x).clone();
        NetworkPermutation.Apply(net, perms);
        return net.Forward(x).sub(before).abs().max().item<float>();
    }

    private static long Moved(PermutationSet perms) =>
        perms.Groups.Sum(g => perms[g.Name].Where((p, i) => p != i).LongCount());

    private static JsonObject PermutationsJson(PermutationSet perms, string method) => new()
    {
        ["method"] = method,
        ["convention"] = "unit i of the aligned network is unit permutation[i] of the original (rows of the producing layer, columns of its readers)",
        ["groups"] = new JsonArray(perms.Groups.Select(g => (JsonNode)new JsonObject
        {
            ["name"] = g.Name,
            ["size"] = g.Size,
            ["tensors"] = new JsonArray(g.Axes.Select(x => (JsonNode)JsonValue.Create($"{x.Tensor}:{x.Axis}"))!.ToArray()),
            ["permutation"] = new JsonArray(perms[g.Name].Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
        }).ToArray()),
    };

    /// <summary>The manifest of a trained network (B's hyperparameters, so its kind and weight decay are B's) and the alignment section.</summary>
    private static void Describe(RunDirectory run, AlignSettings s, Session session, Network net, TrainedRun b, TrainedRun a, JsonObject alignment)
    {
        var m = run.Manifest;
        session.Describe(m, s.CommandLine, net.Spec);
        m.Space = new SpaceSection
        {
            Kind = "network", Parameters = net.Layout.TotalElements, Source = b.Path, Sources = [a.Path, b.Path],
            ControlPoints = [new ControlPointSection { Name = "model", File = TrainedRun.ModelFile, Fixed = false, Source = b.Path }],
        };
        m.Hyperparameters = b.Hyperparameters ?? new HyperparametersSection { Wd = b.WeightDecay, Val = b.Val, Subset = b.Subset };
        m.Settings = s.ToManifest();
        m.SetSection(ManifestKey.Alignment, alignment);
        run.SaveManifest();
    }
}
