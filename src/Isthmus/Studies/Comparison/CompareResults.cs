using System.Text;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Studies;

/// <summary>A number over seeds: mean, sample standard deviation (null with one seed), and each seed's value.</summary>
public sealed record Stat(double Mean, double? Std, IReadOnlyList<double> PerSeed)
{
    public static Stat Of(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double? std = values.Count < 2 ? null : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new Stat(mean, std, values);
    }

    public JsonObject ToJson() => new()
    {
        ["mean"] = Json.Number(Mean),
        ["std"] = Std is { } s ? Json.Number(s) : null,
        ["per_seed"] = new JsonArray(PerSeed.Select(v => Json.Number(v)).ToArray()),
    };

    public static Stat FromJson(JsonNode node) => new(node["mean"]!.GetValue<double>(), node["std"]?.GetValue<double>(),
        node["per_seed"]!.AsArray().Select(v => v!.GetValue<double>()).ToList());

    /// <summary>"8.12 ± 0.31" (or "8.12" with one seed).</summary>
    public string Format(string format) =>
        Mean.ToString(format, CultureInfo.InvariantCulture) + (Std is { } s ? " ± " + s.ToString(format, CultureInfo.InvariantCulture) : "");
}

/// <summary>One row of the Table-1-shaped table: a method at budget kB, over the seeds.</summary>
public sealed record CompareRow(string Method, int K, int BudgetEpochs, int Members, Stat Error, Stat Nll, Stat Ece, Stat Brier, Stat MeanMemberError, Stat MeanMemberNll, Stat Disagreement)
{
    public JsonObject ToJson() => new()
    {
        ["method"] = Method,
        ["k"] = K,
        ["budget_epochs"] = BudgetEpochs,
        ["members"] = Members,
        ["error"] = Error.ToJson(),
        ["nll"] = Nll.ToJson(),
        ["ece"] = Ece.ToJson(),
        ["brier"] = Brier.ToJson(),
        ["mean_member_error"] = MeanMemberError.ToJson(),
        ["mean_member_nll"] = MeanMemberNll.ToJson(),
        ["disagreement"] = Disagreement.ToJson(),
    };

    public static CompareRow FromJson(JsonNode n) => new(n["method"]!.GetValue<string>(), n["k"]!.GetValue<int>(), n["budget_epochs"]!.GetValue<int>(),
        n["members"]!.GetValue<int>(), Stat.FromJson(n["error"]!), Stat.FromJson(n["nll"]!), Stat.FromJson(n["ece"]!), Stat.FromJson(n["brier"]!),
        Stat.FromJson(n["mean_member_error"]!), Stat.FromJson(n["mean_member_nll"]!), Stat.FromJson(n["disagreement"]!));
}

/// <summary>
/// The files of <c>isthmus compare</c>: <c>compare.json</c> (the table, diversity, Figure 3's data, the runs and what
/// was reused), <c>compare.csv</c> (one row per method and k), <c>fge-trajectory.png</c> (Figure 3 left) and
/// <c>ensemble-vs-epochs.png</c> (Figure 3 right). The JSON is written last.
/// </summary>
public static class CompareResults
{
    public const string JsonFile = "compare.json", CsvFile = "compare.csv", TrajectoryPng = "fge-trajectory.png", TimePng = "ensemble-vs-epochs.png";

    public static readonly IReadOnlyDictionary<string, string> Display = new Dictionary<string, string> { ["ind"] = "Ind", ["sse"] = "SSE", ["fge"] = "FGE" };

    public static IReadOnlyList<CompareRow> Rows(IReadOnlyList<CellScore> cells, int budget) =>
        cells.GroupBy(c => (c.Cell.Method, c.Cell.K))
            .OrderBy(g => g.Key.K).ThenBy(g => ComparePlan.Methods.ToList().IndexOf(g.Key.Method))
            .Select(g =>
            {
                var c = g.OrderBy(x => x.Cell.Seed).ToList();
                Stat Over(Func<CellScore, double> f) => Stat.Of(c.Select(f).ToList());
                return new CompareRow(g.Key.Method, g.Key.K, g.Key.K * budget, c[0].Members, Over(x => x.Ensemble.Error), Over(x => x.Ensemble.Nll),
                    Over(x => x.Ensemble.Ece), Over(x => x.Ensemble.Brier), Over(x => x.MeanMemberError), Over(x => x.MeanMemberNll), Over(x => x.Disagreement));
            }).ToList();

    /// <summary>Figure 3 right: per method, the largest budget's ensemble error and NLL after each network, averaged over seeds.</summary>
    public static IReadOnlyList<(string Method, EnsembleCurve Curve)> ErrorAgainstTime(IReadOnlyList<CellScore> cells)
    {
        int kmax = cells.Max(c => c.Cell.K);
        return ComparePlan.Methods.Select(method =>
        {
            var c = cells.Where(x => x.Cell.Method == method && x.Cell.K == kmax).ToList();
            double[] Mean(Func<Evaluation.FirstK, double> f) => Enumerable.Range(0, c[0].Members).Select(i => c.Average(x => f(x.FirstK[i]))).ToArray();
            return (method, new EnsembleCurve(Display[method], "", c[0].MemberEpochs.ToArray(), Mean(f => f.Error), Mean(f => f.Nll)));
        }).ToList();
    }

    /// <summary>Figure 3 right: each method's ensemble error against the epochs spent, the budgets marked.</summary>
    public static BudgetFigure TimeFigure(RunDirectory folder, IReadOnlyList<CompareRow> rows, IReadOnlyList<CellScore> cells, string title, double budget, IReadOnlyList<int> ks) =>
        new(folder.File(TimePng), ErrorAgainstTime(cells).Select(t => t.Curve).ToList(),
            $"{title}: ensemble error against training time (mean over seeds)", ks.Select(k => k * budget).ToList(),
            YMax: 1.5 * rows.Where(r => r.Method == "ind").MinBy(r => r.K)!.Error.Mean, Stepped: true);

    public static JsonObject Write(RunDirectory folder, JsonObject context, IReadOnlyList<CompareRow> rows, IReadOnlyList<CellScore> cells,
        IReadOnlyList<GroupDiversity> diversity, string title, double budget, IReadOnlyList<int> ks)
    {
        WriteCsv(folder.File(CsvFile), rows);
        var time = ErrorAgainstTime(cells);

        var json = (JsonObject)context.DeepClone();
        json["table"] = new JsonArray(rows.Select(r => (JsonNode)r.ToJson()).ToArray());
        json["diversity"] = new JsonObject
        {
            ["about"] = "disagreement: mean pairwise fraction of test points whose top-1 labels differ; distance: mean ‖w_k − w_{k−1}‖ between consecutive networks; " +
                        "fge/sse: the members of one run among themselves; ind: one seed's independent runs",
            ["summary"] = new JsonObject(diversity.GroupBy(d => d.Method).OrderBy(g => ComparePlan.Methods.ToList().IndexOf(g.Key)).Select(g =>
                KeyValuePair.Create(g.Key, (JsonNode?)new JsonObject
                {
                    ["disagreement"] = Stat.Of(g.Select(d => d.Disagreement).ToList()).ToJson(),
                    ["distance"] = Stat.Of(g.Select(d => d.Distance).ToList()).ToJson(),
                    ["mean_error"] = Stat.Of(g.Select(d => d.MeanError).ToList()).ToJson(),
                }))),
            ["groups"] = new JsonArray(diversity.Select(d => (JsonNode)new JsonObject
            {
                ["method"] = d.Method, ["group"] = d.Group, ["networks"] = d.Networks, ["disagreement"] = Json.Number(d.Disagreement),
                ["distance"] = Json.Number(d.Distance), ["mean_error"] = Json.Number(d.MeanError),
            }).ToArray()),
        };
        json["ensemble_vs_epochs"] = new JsonObject(time.Select(t => KeyValuePair.Create(t.Method, (JsonNode?)new JsonArray(
            t.Curve.Epochs.Select((e, i) => (JsonNode)new JsonObject
            {
                ["epoch"] = Json.Number(e), ["networks"] = i + 1, ["error"] = Json.Number(t.Curve.Error[i]), ["nll"] = Json.Number(t.Curve.Nll[i]),
            }).ToArray()))));
        json["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        Json.Write(folder.File(JsonFile), json);
        return json;
    }

    private static void WriteCsv(string path, IReadOnlyList<CompareRow> rows)
    {
        string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        var csv = new StringBuilder("method,k,budget_epochs,members,seeds,error_mean,error_std,nll_mean,nll_std,ece_mean,brier_mean,mean_member_error,mean_member_nll,disagreement\n");
        foreach (var r in rows)
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Method},{r.K},{r.BudgetEpochs},{r.Members},{r.Error.PerSeed.Count},{F(r.Error.Mean)},{F(r.Error.Std)},{F(r.Nll.Mean)},{F(r.Nll.Std)},{F(r.Ece.Mean)},{F(r.Brier.Mean)},{F(r.MeanMemberError.Mean)},{F(r.MeanMemberNll.Mean)},{F(r.Disagreement.Mean)}\n");
        AtomicFile.WriteAllText(path, csv.ToString());
    }
}
