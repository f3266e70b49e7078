using static Isthmus.Reporting.ReportFormat;

namespace Isthmus.Reporting;

/// <summary>The report's sections on ensembles and subspaces: ensembles against their budget, the comparison (Table 1), the set-connecting subspaces and benchmarks.</summary>
internal static class EnsembleSections
{
    public static JsonArray Ensembles(RunCatalog catalog, ReportPage page, string budgetPicture)
    {
        var rows = new JsonArray();
        var runs = catalog.With("ensemble.json").ToList();
        if (!page.SectionFor(runs, "ensembles", "Ensembles: FGE, snapshots and independent runs",
            "Ensemble = mean of the members' softmax outputs (docs/science.md §6); ECE with 15 bins; disagreement = mean pairwise fraction of differing top-1 labels; " +
            "“average” = the members' weights averaged (SWA-style), batch norm recomputed. Budget = training epochs spent on the members.")) return rows;
        var table = new List<string[]>();
        var curves = new List<EnsembleCurve>();
        foreach (var run in runs)
        {
            var e = run.Read("ensemble.json");
            var priced = EnsembleBudget.Price(run, catalog);
            if (priced is not null) curves.Add(priced);
            double? budget = priced?.Epochs.LastOrDefault();
            rows.Add(new JsonObject
            {
                ["run"] = run.Name, ["family"] = priced?.Family, ["members"] = e["member_count"]?.DeepClone(), ["budget_epochs"] = budget is { } b ? Json.Number(b) : null,
                ["mean_member"] = e["mean_member"]?.DeepClone(), ["ensemble"] = e["ensemble"]?.DeepClone(), ["disagreement"] = e["disagreement"]?.DeepClone(), ["average"] = e["average"]?.DeepClone(),
            });
            table.Add([run.Name, priced?.Family ?? "–", $"{e["member_count"]}", budget is { } bb ? bb.ToString("0.#", CultureInfo.InvariantCulture) : "–",
                F(e["mean_member"]?["test_error"], 2), F(e["ensemble"]?["error"], 2), F(e["ensemble"]?["nll"], 4), F(e["ensemble"]?["ece"], 2),
                e["disagreement"] is { } d ? F(d.GetValue<double>() * 100, 2) : "–", F(e["average"]?["test_error"], 2)]);
        }
        page.Table(["ensemble", "members from", "members", "budget (epochs)", "mean member error (%)", "ensemble error (%)", "ensemble NLL", "ECE (%)", "disagreement (%)", "average of weights: error (%)"], table);
        if (curves.Count > 0)
        {
            BudgetPlot.Save(budgetPicture, curves);
            page.Figure(budgetPicture, "ensemble error against the training epochs spent (Figure 3 right, in epochs)");
        }
        foreach (var run in runs.Where(r => r.Has("ensemble.png")))
            page.Figure(run.File("ensemble.png"), $"{run.Name}: ensemble of the first k members");
        return rows;
    }

    /// <summary><c>compare.json</c>: Ind, SSE and FGE at budgets kB laid out as the paper's Table 1 (mean ± std over seeds).</summary>
    public static JsonArray Comparisons(RunCatalog catalog, ReportPage page)
    {
        var rows = new JsonArray();
        var runs = catalog.With("compare.json").ToList();
        if (!page.SectionFor(runs, "compare", "Ind, SSE and FGE at equal budgets (Table 1)",
            "Each method at budgets kB (B training epochs each); test error of the ensemble in %, mean ± std over seeds where several ran.")) return rows;
        foreach (var run in runs)
        {
            var c = run.Read("compare.json");
            var table = c["table"] as JsonArray ?? [];
            var ks = table.Select(r => r?["k"]?.GetValue<int>() ?? 0).Distinct().Order().ToList();
            var methods = table.Select(r => r?["method"]?.GetValue<string>() ?? "?").Distinct().ToList();
            string Cell(string method, int k)
            {
                var row = table.FirstOrDefault(r => r?["method"]?.GetValue<string>() == method && r?["k"]?.GetValue<int>() == k);
                var e = row?["error"];
                if (e is null) return "–";
                var text = F(e["mean"], 2);
                if (e["std"] is { } sd) text += $" ± {F(sd, 2)}";
                return $"{text} ({row!["members"]} members)";
            }
            page.Paragraph($"{run.Name}: {c["data"]?["name"]}, {Architecture(c)}, B = {c["budget_epochs"]} epochs, seeds {c["seeds"]?.ToJsonString()}.");
            page.Table(["method", .. ks.Select(k => $"{k}B")], methods.Select(m => (string[])[m.ToUpperInvariant(), .. ks.Select(k => Cell(m, k))]).ToList());
            rows.Add(new JsonObject { ["run"] = run.Name, ["table"] = table.DeepClone() });
            page.Figures(run);
        }
        return rows;
    }

    public static JsonArray Subspaces(RunCatalog catalog, ReportPage page)
    {
        var rows = new JsonArray();
        var runs = catalog.With("subspace.json").ToList();
        if (!page.SectionFor(runs, "subspaces", "Set connectivity: one subspace through several modes (Fort & Jastrzebski 2019)",
            "Points sampled uniformly in the simplices of the trained complex, against the straight segments between the same modes.")) return rows;
        var table = new List<string[]>();
        foreach (var run in runs)
        {
            var s = run.Read("subspace.json");
            foreach (var (label, stats) in SubspaceStats(s))
            {
                rows.Add(new JsonObject { ["run"] = run.Name, ["where"] = label, ["train_loss"] = stats?["train_loss"]?.DeepClone(), ["test_error"] = stats?["test_error"]?.DeepClone() });
                table.Add([run.Name, label, MinMeanMax(stats?["train_loss"], 3), MinMeanMax(stats?["test_error"], 2)]);
            }
            page.Figures(run);
        }
        page.Table(["run", "where", "train loss min / mean / max", "test error (%) min / mean / max"], table);
        return rows;
    }

    public static JsonArray Benchmarks(RunCatalog catalog, ReportPage page)
    {
        var rows = new JsonArray();
        if (catalog.Benchmarks.Count == 0) return rows;
        page.Section("bench", "What it costs: isthmus bench");
        page.Paragraph("Ratios measured in one process on the same data and batch size; timed rows give the median of paired blocks with its 95 % confidence interval, and a verdict where the row has a goal (docs/performance.md).");
        foreach (var bench in catalog.Benchmarks)
        {
            var b = bench.Result;
            bool stopped = b["complete"] is JsonValue c && c.TryGetValue(out bool done) && !done;
            page.Paragraph($"{bench.Name}: `{b["command"]}`, {b["threads"]} threads{(stopped ? "; interrupted: the rows it measured before it stopped" : "")}.");
            var table = new List<string[]>();
            foreach (var row in (b["rows"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var ci = row["ratio_ci95"] as JsonArray;
                string ratio = F(row["ratio"], 3) + (ci is { Count: 2 } ? $" ({F(ci[0], 3)}–{F(ci[1], 3)})" : "");
                table.Add([$"{row["name"]}", ratio, $"{G(row["baseline"])} → {G(row["measured"])} {row["unit"]}", $"{row["goal"]}", $"{row["verdict"]}", $"{row["note"]}"]);
            }
            page.Table(["measure", "ratio (95 % CI)", "baseline → measured", "goal", "verdict", "how"], table);
            rows.Add(new JsonObject { ["file"] = bench.Name, ["command"] = b["command"]?.DeepClone(), ["complete"] = !stopped, ["rows"] = b["rows"]?.DeepClone() });
        }
        return rows;
    }


    /// <summary>The modes themselves, the sampled subspace, then each straight segment between two modes.</summary>
    private static IEnumerable<(string Label, JsonNode? Stats)> SubspaceStats(JsonObject s)
    {
        if (s["vertices"] is JsonArray vertices)
        {
            var modes = vertices.Where(v => v?["name"]?.GetValue<string>().StartsWith("mode", StringComparison.Ordinal) == true).ToList();
            if (modes.Count > 0) yield return ($"the {modes.Count} modes", Summary(modes!, ["train_loss", "test_error"]));
        }
        yield return ($"subspace ({s["samples"]} sampled points)", s["stats"]);
        if (s["segments"] is JsonArray segments)
            foreach (var seg in segments)
                yield return ($"segment {Names(seg?["modes"])}", seg?["stats"]);
    }

    private static string Names(JsonNode? modes) =>
        modes is JsonArray a ? string.Join(" – ", a.Select(m => m is JsonValue ? m.ToString() : m?["name"]?.ToString() ?? "?")) : "between modes";

}
