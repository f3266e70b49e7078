using Isthmus.Evaluation;
using Isthmus.Methods;
using Isthmus.Nn;
using Isthmus.Runs;

namespace Isthmus.Studies;

/// <summary>A source of members and, optionally, the family it belongs to (<c>--family fge=DIR</c>); unlabelled ones are named by their run's command.</summary>
public sealed record FamilySource(string Path, string? Label = null);

/// <summary>Settings of <c>isthmus study diversity</c> (docs/science.md §5, "ensembles in light of the model").</summary>
public sealed record DiversitySettings : InvocationSettings
{
    /// <summary>Run folders, member folders (fge, sse), .safetensors files, or connect runs (their curve's points).</summary>
    public required IReadOnlyList<FamilySource> Members { get; init; }
    /// <summary>Equally spaced points t = 0 … 1 taken from each connect run.</summary>
    public int CurvePoints { get; init; } = 5;
    /// <summary>Cosines are of w − reference: this checkpoint (a run, or a .safetensors file), or the members' mean when null.</summary>
    public string? Reference { get; init; }
    /// <summary>Architecture of members without a manifest beside them.</summary>
    public ArchitectureSpec? Model { get; init; }
    /// <summary>Data set of members without a manifest beside them.</summary>
    public string? Data { get; init; }
    public int? BatchNormBatches { get; init; }
    public required string Out { get; init; }
}

/// <summary>
/// One family of members: its ensemble and how diverse its members are among themselves. The gain per added member
/// is (mean member − ensemble of all n) / (n − 1), in percentage points of test error and in nats of NLL: what each
/// member beyond the first buys on average, measured from a typical member rather than from whichever came first
/// (<see cref="FirstK"/> keeps the order-dependent curve).
/// </summary>
public sealed record FamilySummary(string Name, IReadOnlyList<int> Members, double MeanMemberError, double MeanMemberNll, EnsembleScore Ensemble,
    IReadOnlyList<FirstK> FirstK, double MeanDisagreement, double MeanDistance, double MeanCosine)
{
    public double GainPerMemberError => Members.Count < 2 ? double.NaN : (MeanMemberError - Ensemble.Error) / (Members.Count - 1);
    public double GainPerMemberNll => Members.Count < 2 ? double.NaN : (MeanMemberNll - Ensemble.Nll) / (Members.Count - 1);
}

/// <summary>Everything the diversity study measured; matrices are indexed by member.</summary>
public sealed record DiversityOutcome(string Folder, IReadOnlyList<string> Sources, IReadOnlyList<string> MemberFamilies, IReadOnlyList<MemberScore> Scores,
    IReadOnlyList<FamilySummary> Families, double[,] Disagreement, double[,] Cosine, double[,] Distance, FunctionSpaceProjection Projection, string Reference) : OutcomeWithFigures;

/// <summary>
/// docs/science.md §5: members from one trajectory (FGE, SSE, points of one curve) should stay in one wedge — lower
/// disagreement, smaller weight-space distances, hence less ensemble gain per member — than independent runs. Every
/// member is scored once (batch norm recomputed) by the ensemble evaluator; from what it sees of each, this study
/// forms the pairwise disagreement, cosine and distance matrices, a PCA of the members' softmax outputs on the test
/// set (all families in one picture), and each family's ensemble with its gain per added member.
/// </summary>
public static class DiversityStudy
{
    public const string JsonFile = "diversity.json", PairsFile = "diversity_pairs.csv", FamiliesFile = "diversity_families.csv",
        PngFile = "diversity.png", MatricesFile = "diversity_matrices.png";

    public static DiversityOutcome Run(DiversitySettings s, Session? session = null, IProgress<EnsembleProgress>? progress = null, Action<string>? log = null, CancellationToken ct = default)
    {
        if (s.CurvePoints < 2) throw new IsthmusException($"--curve-points must be at least 2 (got {s.CurvePoints}).");
        if ((s.Model is null) != (s.Data is null))
            throw new IsthmusException("--data and --model go together: they describe members that come without a manifest (bare .safetensors files).");
        var fallback = s.Model is not null ? new NetworkKind(s.Model, s.Data!) : null;
        var (members, families) = Resolve(s.Members, s.CurvePoints, fallback);
        if (members.Count < 2) throw new IsthmusException("study diversity needs at least two members; pass more runs or member folders.");
        Members.CheckCompatible(members);
        var kind = members[0].Kind;
        using var opened = session is null ? Session.Open(kind.Data, s.DataRoot, val: 0, s.Threads, s.Device, subset: 0, log) : null;
        var ready = session ??= opened!;
        EnsembleMembers.Check(members, k => ready.Build(kind.Architecture, k, seed: 0)); // a member that does not fit leaves no folder
        var run = RunDirectory.Create(s.Out, "study diversity", s.Force, resume: false);
        run.Manifest.Describe(s.CommandLine, kind.Architecture, new DataSection { Name = kind.Data });
        run.Manifest.SetSection(ManifestKey.Members, new JsonArray(members.Select((m, i) => (JsonNode)new JsonObject { ["source"] = m.Origin, ["family"] = families[i] }).ToArray()));
        run.SaveManifest();

        var logProbabilities = new List<Tensor>();
        var weights = new List<Tensor>();
        try
        {
            var evaluation = EnsembleRecipe.Evaluate(members, session, new EnsembleOptions
            {
                Average = false,
                BatchNormBatches = s.BatchNormBatches,
                MemberEvaluated = (_, w, lp) =>
                {
                    logProbabilities.Add(lp.detach().clone().DetachFromDisposeScope());
                    using var scope = NewDisposeScope();
                    weights.Add(cat(w.Select(t => t.detach().flatten()).ToArray()).clone().DetachFromDisposeScope());
                },
            }, progress, ct);
            var labels = session.Data.Eval!.Labels;
            using var stacked = stack(weights.ToArray());
            using var reference = s.Reference is null ? null : ReferenceWeights(s.Reference, members[0].Kind, fallback, session);
            var gram = Diversity.CenteredGram(stacked, reference);
            var cosine = Diversity.Cosine(gram);
            var distance = Diversity.Distance(gram);
            double[,] disagreement;
            FunctionSpaceProjection projection;
            using (NewDisposeScope())
            {
                disagreement = Diversity.DisagreementMatrix(logProbabilities.Select(lp => lp.argmax(1)).ToList());
                projection = Diversity.Project(stack(logProbabilities.Select(lp => lp.exp().flatten()).ToArray()));
            }
            var summaries = families.Distinct().Select(f =>
            {
                var indices = Enumerable.Range(0, members.Count).Where(i => families[i] == f).ToList();
                using var ensemble = new EnsembleAccumulator(labels);
                foreach (var i in indices) ensemble.Add(logProbabilities[i]);
                return new FamilySummary(f, indices, indices.Average(i => evaluation.Members[i].Score.Error), indices.Average(i => evaluation.Members[i].Own.Nll),
                    ensemble.Score(), ensemble.FirstK.ToList(),
                    Diversity.MeanOver(disagreement, indices, indices), Diversity.MeanOver(distance, indices, indices), Diversity.MeanOver(cosine, indices, indices));
            }).ToList();
            var outcome = new DiversityOutcome(run.Path, members.Select(m => m.Origin).ToList(), families, evaluation.Members.Select(m => m.Score).ToList(),
                summaries, disagreement, cosine, distance, projection, s.Reference is null ? "the members' mean" : Path.GetFullPath(s.Reference));
            string title = $"{kind.Architecture.Caption} on {kind.Data}";
            DiversityResults.Write(run, outcome);
            run.Complete();
            return outcome with { Figures = DiversityResults.Pictures(run, outcome, title) };
        }
        finally
        {
            foreach (var t in logProbabilities) t.Dispose();
            foreach (var t in weights) t.Dispose();
        }
    }

    /// <summary>
    /// The members of every source, each with its family: the label given, else "independent" for train runs (all in
    /// one family), "fge", "sse" or "curve" (points of a connect run) for the others, numbered when a kind repeats.
    /// </summary>
    public static (IReadOnlyList<MemberSource> Members, IReadOnlyList<string> Families) Resolve(IReadOnlyList<FamilySource> sources, int curvePoints, NetworkKind? fallback)
    {
        var members = new List<MemberSource>();
        var families = new List<string>();
        var seen = new Dictionary<string, int>();
        foreach (var source in sources)
        {
            var command = CommandOf(source.Path);
            var found = command == "connect" ? Members.CurvePoints(source.Path, curvePoints) : Members.Resolve([source.Path], fallback);
            var family = source.Label;
            if (family is null)
            {
                family = command switch { "train" => "independent", "fge" => "fge", "sse" => "sse", "connect" => "curve", _ => "members" };
                if (family != "independent")
                {
                    seen[family] = seen.GetValueOrDefault(family) + 1;
                    if (seen[family] > 1) family += $"-{seen[family]}";
                }
            }
            members.AddRange(found);
            families.AddRange(Enumerable.Repeat(family, found.Count));
        }
        return (members, families);
    }

    /// <summary>The command recorded in the manifest of a folder (or of a file's folder); null when there is none.</summary>
    private static string? CommandOf(string path)
    {
        var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        return File.Exists(Path.Combine(folder, RunDirectory.ManifestFile)) ? RunDirectory.Open(folder).Manifest.Command : null;
    }

    private static Tensor ReferenceWeights(string path, NetworkKind kind, NetworkKind? fallback, Session session)
    {
        var source = Members.Resolve([path], fallback ?? kind);
        if (source.Count != 1) throw new IsthmusException($"--reference {path} holds {source.Count} networks; name one run or .safetensors file.");
        using var net = session.Build(kind.Architecture, controlPoints: 1, seed: 0);
        using var space = net.Space;
        source[0].LoadInto(net);
        using var scope = NewDisposeScope();
        return cat(space.ControlTensors(0).Select(t => t.detach().flatten()).ToArray()).clone().DetachFromDisposeScope();
    }
}
