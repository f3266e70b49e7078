using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Studies;

/// <summary>
/// The files of <c>study diversity</c>: diversity.json (members with their family, score and function-space
/// coordinates; the families' table; the disagreement, cosine and distance matrices), diversity_pairs.csv (one row per
/// pair of members), diversity_families.csv (one row per family), diversity.png (function-space PCA and ensemble
/// error against members per family) and diversity_matrices.png (disagreement and cosine heatmaps).
/// </summary>
public static class DiversityResults
{
    private static readonly string[] FamilyColumns =
        ["family", "members", "mean_member_error", "mean_member_nll", "ensemble_error", "ensemble_nll", "mean_disagreement", "mean_distance", "mean_cosine", "gain_per_member_error", "gain_per_member_nll"];

    private static readonly string[] PairColumns = ["i", "j", "family_i", "family_j", "disagreement", "cosine", "distance"];

    /// <summary>The members in function space beside each family's first-k error, and the pairwise matrices.</summary>
    public static Figure[] Pictures(RunDirectory run, DiversityOutcome o, string title) =>
    [
        new DiversityFigure(run.File(DiversityStudy.PngFile), title, o.Projection, o.MemberFamilies,
            o.Families.Select(f => (f.Name, f.FirstK.Select(k => k.Error).ToArray(), f.MeanMemberError)).ToList()),
        new DiversityMatricesFigure(run.File(DiversityStudy.MatricesFile), title, o.Disagreement, o.Cosine, o.MemberFamilies, o.Reference),
    ];

    public static void Write(RunDirectory run, DiversityOutcome o)
    {
        int m = o.Sources.Count;
        var pairs = new List<object?[]>();
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
                pairs.Add([i, j, o.MemberFamilies[i], o.MemberFamilies[j], o.Disagreement[i, j], o.Cosine[i, j], o.Distance[i, j]]);
        StudyTable.WriteCsv(run.File(DiversityStudy.PairsFile), PairColumns, pairs);
        var families = o.Families.Select(f => new object?[]
        {
            f.Name, f.Members.Count, f.MeanMemberError, f.MeanMemberNll, f.Ensemble.Error, f.Ensemble.Nll, f.MeanDisagreement, f.MeanDistance, f.MeanCosine, f.GainPerMemberError, f.GainPerMemberNll,
        }).ToList();
        StudyTable.WriteCsv(run.File(DiversityStudy.FamiliesFile), FamilyColumns, families);

        var table = StudyTable.Rows(FamilyColumns, families);
        for (int f = 0; f < o.Families.Count; f++)
            table[f]!["first_k"] = new JsonArray(o.Families[f].FirstK.Select(k => (JsonNode)new JsonObject { ["k"] = k.K, ["error"] = Json.Number(k.Error), ["nll"] = Json.Number(k.Nll) }).ToArray());
        var members = new JsonArray();
        for (int i = 0; i < m; i++)
            members.Add(new JsonObject
            {
                ["index"] = i,
                ["family"] = o.MemberFamilies[i],
                ["source"] = o.Sources[i],
                ["test_error"] = Json.Number(o.Scores[i].Error),
                ["test_nll"] = Json.Number(o.Scores[i].Nll),
                ["pc"] = new JsonArray(Enumerable.Range(0, o.Projection.Coordinates.GetLength(1)).Select(c => Json.Number(o.Projection.Coordinates[i, c])).ToArray()),
            });
        Json.Write(run.File(DiversityStudy.JsonFile), new JsonObject
        {
            ["units"] = new JsonObject
            {
                ["error"] = "%", ["disagreement"] = "fraction of test examples whose top-1 labels differ", ["distance"] = "weight-space norm",
                ["gain_per_member"] = "(mean member - the family's ensemble of all its members) / (members - 1): percentage points of error (nats of NLL) per added member",
            },
            ["cosine_reference"] = o.Reference,
            ["function_space"] = new JsonObject
            {
                ["method"] = "PCA (torch.linalg.svd) of each member's softmax outputs on the test set, concatenated; rows centred on their mean",
                ["explained_variance_ratio"] = new JsonArray(o.Projection.ExplainedVarianceRatio.Select(Json.Number).ToArray()),
            },
            ["families"] = table,
            ["members"] = members,
            ["disagreement"] = Matrix(o.Disagreement),
            ["cosine"] = Matrix(o.Cosine),
            ["distance"] = Matrix(o.Distance),
        });
    }

    private static JsonArray Matrix(double[,] a) =>
        new(Enumerable.Range(0, a.GetLength(0)).Select(i => (JsonNode)new JsonArray(Enumerable.Range(0, a.GetLength(1)).Select(j => Json.Number(a[i, j])).ToArray())).ToArray());
}
