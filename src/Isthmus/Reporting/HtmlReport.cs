using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Isthmus.Storage;

namespace Isthmus.Reporting;

/// <summary>A step of a pipeline as the report lists it: its name, the command that ran it, and its wall time.</summary>
public sealed record ReportStep(string Name, string Command, double? Seconds);

/// <summary>
/// <c>report.html</c>: one self-contained page (pictures inlined as data URIs, no external script or style) that
/// tells the story of a set of runs: the networks, the curves between them as the paper's Table 2, the planes, the
/// ensembles against their budget, the set-connecting subspaces, timings, and the commands that made every number.
/// The same tables go to <c>report.json</c> beside it. A small inline script marks the page once every picture has
/// decoded (<c>data-check</c> on the body), which the browser test reads.
/// </summary>
public static class HtmlReport
{
    public sealed record Result(string Html, string Json, int Images);

    /// <summary>The paper's MNIST FC rows of Table 2 (docs/science.md §2): length ratio, train loss and test error min/int/max.</summary>
    private static readonly (string Curve, string Ratio, string Loss, string Error)[] PaperMnistFc =
    [
        ("single", "–", "0.018", "1.46 / – / 1.50"),
        ("segment", "1", "0.018 / 0.252 / 0.657", "1.45 / 1.96 / 3.18"),
        ("bezier", "1.58", "0.016 / 0.020 / 0.024", "1.46 / 1.52 / 1.56"),
        ("polychain", "1.73", "0.013 / 0.022 / 0.029", "1.46 / 1.51 / 1.58"),
    ];

    /// <summary>Builds the report for <paramref name="catalog"/> and writes it (and its pictures) to <paramref name="htmlPath"/>.</summary>
    public static Result Write(RunCatalog catalog, string htmlPath, string title, IReadOnlyList<ReportStep>? steps = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(htmlPath))!;
        Directory.CreateDirectory(folder);
        var page = new Page(title);
        var json = new JsonObject { ["title"] = title, ["generated_utc"] = DateTime.UtcNow.ToString("O"), ["roots"] = new JsonArray(catalog.Roots.Select(r => (JsonNode)r).ToArray()) };

        json["networks"] = Networks(catalog, page);
        json["curves"] = Curves(catalog, page);
        json["planes"] = Planes(catalog, page);
        json["ensembles"] = Ensembles(catalog, page, Path.Combine(folder, "report_ensembles.png"));
        json["comparisons"] = Comparisons(catalog, page);
        json["subspaces"] = Subspaces(catalog, page);
        json["benchmarks"] = Benchmarks(catalog, page);
        json["steps"] = Steps(catalog, page, steps);

        var html = page.Render();
        AtomicFile.WriteAllText(htmlPath, html);
        var jsonText = json.ToJsonString(Json.Options) + "\n";
        AtomicFile.WriteAllText(Path.ChangeExtension(htmlPath, ".json"), jsonText);
        return new Result(html, jsonText, page.Images);
    }

    private static JsonArray Networks(RunCatalog catalog, Page page)
    {
        var rows = new JsonArray();
        var table = new List<string[]>();
        foreach (var run in catalog.Made("train"))
        {
            var m = run.Manifest!;
            var final = m["final"];
            var hp = m["hyperparameters"];
            rows.Add(new JsonObject
            {
                ["run"] = run.Name, ["data"] = m["data"]?["name"]?.DeepClone(), ["architecture"] = Architecture(m),
                ["epochs"] = hp?["epochs"]?.DeepClone(), ["seed"] = hp?["seed"]?.DeepClone(),
                ["test_error"] = final?["test_error"]?.DeepClone(), ["test_nll"] = final?["test_nll"]?.DeepClone(),
                ["train_loss"] = final?["train_loss"]?.DeepClone(), ["seconds"] = run.Seconds is { } s ? Json.Number(s) : null,
            });
            table.Add([run.Name, $"{m["data"]?["name"]} / {Architecture(m)}", $"{hp?["epochs"]}", $"{hp?["seed"]}",
                F(final?["test_error"], 2), F(final?["test_nll"], 4), F(final?["train_loss"], 4), Seconds(run.Seconds)]);
        }
        if (table.Count == 0) return rows;
        page.Section("networks", "Trained networks");
        page.Table(["run", "data / model", "epochs", "seed", "test error (%)", "test NLL", "train loss (with L2)", "time"], table);
        return rows;
    }

    private static JsonArray Curves(RunCatalog catalog, Page page)
    {
        var rows = new JsonArray();
        var runs = catalog.With("curve.json").Concat(catalog.With("segment.json")).Distinct().ToList();
        if (runs.Count == 0) return rows;
        page.Section("curves", "Curves between modes (Garipov et al. 2018, Table 2)");
        page.Paragraph("Every point is a network whose weights lie on the curve; batch norm, where present, is recomputed at each point. " +
                       "Train loss includes the L2 term; Int is the arc-length-weighted mean (trapezoid rule), as in the paper's Table 2.");
        var table = new List<string[]>();
        bool mnistFc = false;
        foreach (var run in runs)
        {
            var singles = new List<string[]>();
            foreach (var file in new[] { "curve.json", "segment.json" }.Where(run.Has))
            {
                var c = run.Read(file);
                var family = c["family"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(file);
                var arch = c["architecture"]?["name"]?.GetValue<string>();
                var data = c["data"]?["name"]?.GetValue<string>();
                mnistFc |= arch == "mlp" && data == "mnist";
                var loss = Stats(c, "train_loss", 3);
                var err = Stats(c, "test_error", 2);
                rows.Add(new JsonObject
                {
                    ["run"] = run.Name, ["file"] = file, ["family"] = family, ["bends"] = c["bends"]?.DeepClone(), ["points"] = c["points"]?.DeepClone(),
                    ["length_ratio"] = c["length_ratio"]?.DeepClone(), ["train_loss"] = c["stats"]?["train_loss"]?.DeepClone(), ["test_error"] = c["stats"]?["test_error"]?.DeepClone(),
                    ["barrier_test_error_frankle"] = c["barrier"]?["test_error"]?["frankle"]?.DeepClone(),
                });
                table.Add([$"{run.Name}", family, F(c["length_ratio"], 2), loss, err, F(c["barrier"]?["test_error"]?["frankle"], 2)]);
                if (file == "curve.json" && c["endpoints"] is JsonObject ends)
                    foreach (var (end, label) in new[] { ("start", "t = 0"), ("end", "t = 1") })
                        singles.Add([$"{run.Name}", $"single ({label})", "–", F(ends[end]?["evaluated"]?["train_loss"], 3), F(ends[end]?["evaluated"]?["test_error"], 2), "–"]);
            }
            table.AddRange(singles);
        }
        page.Table(["run", "curve", "length ratio", "train loss min / int / max", "test error (%) min / int / max", "barrier (test error, pp)"], table);
        if (mnistFc)
        {
            page.Paragraph("The paper's MNIST FC rows (121 points per curve; docs/science.md §2), for comparison:");
            page.Table(["paper: MNIST, FC", "length ratio", "train loss min / int / max", "test error (%) min / int / max"],
                PaperMnistFc.Select(r => new[] { r.Curve, r.Ratio, r.Loss, r.Error }).ToList());
        }
        foreach (var run in runs.Where(r => r.Has("curve.png")))
            page.Figure(run.File("curve.png"), $"{run.Name}: train loss and test error along t (segment dashed where evaluated)");
        return rows;
    }

    private static JsonArray Planes(RunCatalog catalog, Page page)
    {
        var rows = new JsonArray();
        var runs = catalog.With("plane.json").ToList();
        if (runs.Count == 0) return rows;
        page.Section("planes", "Loss surface planes (Figure 1)");
        page.Paragraph("The plane through three weight vectors (the curve's endpoints and its middle bend, unless chosen otherwise), " +
                       "evaluated on a grid with batch norm recomputed at every point; the projected curve and points are drawn on it.");
        foreach (var run in runs)
        {
            var p = run.Read("plane.json");
            var loss = Flatten(p["train_loss"]);
            var err = Flatten(p["test_error"]);
            rows.Add(new JsonObject
            {
                ["run"] = run.Name, ["grid"] = p["grid"]?.DeepClone(), ["train_loss_min"] = Json.Number(loss.DefaultIfEmpty(double.NaN).Min()),
                ["test_error_min"] = Json.Number(err.DefaultIfEmpty(double.NaN).Min()), ["test_error_max"] = Json.Number(err.DefaultIfEmpty(double.NaN).Max()),
                ["seconds_per_point"] = p["seconds_per_point"]?.DeepClone(),
            });
            page.Paragraph($"{run.Name}: {p["grid"]}×{p["grid"]} grid, {F(p["seconds_per_point"], 2)} s per point; test error from {F(err.DefaultIfEmpty(double.NaN).Min(), 2)} % to {F(err.DefaultIfEmpty(double.NaN).Max(), 1)} %.");
            foreach (var picture in new[] { "plane_train_loss.png", "plane_test_error.png" }.Where(run.Has))
                page.Figure(run.File(picture), $"{run.Name}: {(picture.Contains("loss") ? "train loss" : "test error")}");
        }
        return rows;
    }

    private static JsonArray Ensembles(RunCatalog catalog, Page page, string budgetPicture)
    {
        var rows = new JsonArray();
        var runs = catalog.With("ensemble.json").ToList();
        if (runs.Count == 0) return rows;
        page.Section("ensembles", "Ensembles: FGE, snapshots and independent runs");
        page.Paragraph("Ensemble = mean of the members' softmax outputs (docs/science.md §6); ECE with 15 bins; disagreement = mean pairwise fraction of differing top-1 labels; " +
                       "“average” = the members' weights averaged (SWA-style), batch norm recomputed. Budget = training epochs spent on the members.");
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
    private static JsonArray Comparisons(RunCatalog catalog, Page page)
    {
        var rows = new JsonArray();
        var runs = catalog.With("compare.json").ToList();
        if (runs.Count == 0) return rows;
        page.Section("compare", "Ind, SSE and FGE at equal budgets (Table 1)");
        page.Paragraph("Each method at budgets kB (B training epochs each); test error of the ensemble in %, mean ± std over seeds where several ran.");
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
            foreach (var picture in Directory.EnumerateFiles(run.Path, "*.png").Order(StringComparer.Ordinal))
                page.Figure(picture, $"{run.Name}: {Path.GetFileNameWithoutExtension(picture)}");
        }
        return rows;
    }

    private static JsonArray Subspaces(RunCatalog catalog, Page page)
    {
        var rows = new JsonArray();
        var runs = catalog.With("subspace.json").ToList();
        if (runs.Count == 0) return rows;
        page.Section("subspaces", "Set connectivity: one subspace through several modes (Fort & Jastrzebski 2019)");
        page.Paragraph("Points sampled uniformly in the simplices of the trained complex, against the straight segments between the same modes.");
        var table = new List<string[]>();
        foreach (var run in runs)
        {
            var s = run.Read("subspace.json");
            foreach (var (label, stats) in SubspaceStats(s))
            {
                rows.Add(new JsonObject { ["run"] = run.Name, ["where"] = label, ["train_loss"] = stats?["train_loss"]?.DeepClone(), ["test_error"] = stats?["test_error"]?.DeepClone() });
                table.Add([run.Name, label, MinMeanMax(stats?["train_loss"], 3), MinMeanMax(stats?["test_error"], 2)]);
            }
            foreach (var picture in Directory.EnumerateFiles(run.Path, "*.png").Order(StringComparer.Ordinal))
                page.Figure(picture, $"{run.Name}: {Path.GetFileNameWithoutExtension(picture)}");
        }
        page.Table(["run", "where", "train loss min / mean / max", "test error (%) min / mean / max"], table);
        return rows;
    }

    private static JsonArray Benchmarks(RunCatalog catalog, Page page)
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

    private static string G(JsonNode? v) => v is null ? "–" : v.GetValue<double>().ToString("G4", CultureInfo.InvariantCulture);

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

    /// <summary>min / mean / max over a list of metric objects, shaped like a stats block.</summary>
    private static JsonObject Summary(IReadOnlyList<JsonNode> items, string[] metrics)
    {
        var o = new JsonObject();
        foreach (var m in metrics)
        {
            var values = items.Select(i => i[m]?.GetValue<double>() ?? double.NaN).Where(double.IsFinite).ToList();
            if (values.Count == 0) continue;
            o[m] = new JsonObject { ["min"] = Json.Number(values.Min()), ["mean"] = Json.Number(values.Average()), ["max"] = Json.Number(values.Max()) };
        }
        return o;
    }

    private static JsonArray Steps(RunCatalog catalog, Page page, IReadOnlyList<ReportStep>? steps)
    {
        var list = steps?.ToList() ?? catalog.Runs.Where(r => r.CommandLine is not null)
            .Select(r => new ReportStep(r.Name, r.CommandLine!, r.Seconds)).ToList();
        var rows = new JsonArray(list.Select(s => (JsonNode)new JsonObject { ["step"] = s.Name, ["command"] = s.Command, ["seconds"] = s.Seconds is { } x ? Json.Number(x) : null }).ToArray());
        if (list.Count == 0) return rows;
        page.Section("timings", "Timings and commands");
        page.Table(["step", "time", "command"], list.Select(s => new[] { s.Name, Seconds(s.Seconds), s.Command }).ToList(), codeColumn: 2);
        if (list.Any(s => s.Seconds is not null))
            page.Paragraph($"Total: {Seconds(list.Sum(s => s.Seconds ?? 0))}.");
        page.Paragraph("Every number above comes from these commands; run them in order to reproduce the page, then `./isthmus report --runs DIR` to rebuild it.");
        return rows;
    }

    private static string Architecture(JsonObject manifest)
    {
        var a = manifest["architecture"];
        var name = a?["name"]?.GetValue<string>() ?? "?";
        var options = a?["options"] as JsonObject;
        return options is null || options.Count == 0 ? name : $"{name}({string.Join(", ", options.Select(o => $"{o.Key}={o.Value}"))})";
    }

    private static string Stats(JsonObject c, string metric, int digits) =>
        $"{F(c["stats"]?[metric]?["min"], digits)} / {F(c["stats"]?[metric]?["int"], digits)} / {F(c["stats"]?[metric]?["max"], digits)}";

    private static string MinMeanMax(JsonNode? s, int digits) => $"{F(s?["min"], digits)} / {F(s?["mean"], digits)} / {F(s?["max"], digits)}";

    private static List<double> Flatten(JsonNode? grid) =>
        grid is JsonArray rows ? rows.SelectMany(r => r is JsonArray row ? row.Select(v => v?.GetValue<double>() ?? double.NaN) : []).Where(double.IsFinite).ToList() : [];

    private static string F(JsonNode? v, int digits) => v is null ? "–" : F(v.GetValue<double>(), digits);
    private static string F(double v, int digits) => double.IsFinite(v) ? v.ToString("F" + digits, CultureInfo.InvariantCulture) : "–";

    private static string Seconds(double? s) => s switch
    {
        null => "–",
        < 120 => $"{s:F0} s",
        _ => $"{s / 60:F1} min",
    };

    /// <summary>The page being written: sections, tables, paragraphs and inlined pictures.</summary>
    private sealed class Page(string title)
    {
        private readonly StringBuilder body = new();
        private readonly List<(string Id, string Title)> sections = [];
        public int Images { get; private set; }

        public void Section(string id, string heading)
        {
            sections.Add((id, heading));
            body.Append(CultureInfo.InvariantCulture, $"<h2 id=\"{id}\">{E(heading)}</h2>\n");
        }

        public void Paragraph(string text) => body.Append(CultureInfo.InvariantCulture, $"<p>{Code(E(text))}</p>\n");

        public void Table(string[] header, IReadOnlyList<string[]> rows, int codeColumn = -1)
        {
            body.Append("<table>\n<thead><tr>");
            foreach (var h in header) body.Append(CultureInfo.InvariantCulture, $"<th>{E(h)}</th>");
            body.Append("</tr></thead>\n<tbody>\n");
            foreach (var row in rows)
            {
                body.Append("<tr>");
                for (int i = 0; i < row.Length; i++)
                    body.Append(i == codeColumn ? $"<td><code>{E(row[i])}</code></td>" : $"<td>{E(row[i])}</td>");
                body.Append("</tr>\n");
            }
            body.Append("</tbody>\n</table>\n");
        }

        public void Figure(string pngPath, string caption)
        {
            var data = Convert.ToBase64String(File.ReadAllBytes(pngPath));
            Images++;
            body.Append(CultureInfo.InvariantCulture,
                $"<figure><img alt=\"{E(caption)}\" src=\"data:image/png;base64,{data}\"><figcaption>{E(caption)} <span class=\"file\">({E(Path.GetFileName(pngPath))})</span></figcaption></figure>\n");
        }

        public string Render()
        {
            var html = new StringBuilder();
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            html.Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title>\n<style>\n{Style}\n</style>\n</head>\n<body data-check=\"pending\">\n");
            html.Append(CultureInfo.InvariantCulture, $"<h1>{E(title)}</h1>\n<p class=\"meta\">Generated by Isthmus on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.</p>\n<nav>");
            html.Append(string.Join(" · ", sections.Select(s => $"<a href=\"#{s.Id}\">{E(s.Title)}</a>")));
            html.Append("</nav>\n").Append(body).Append(CultureInfo.InvariantCulture, $"<script>\n{Check}\n</script>\n</body>\n</html>\n");
            return html.ToString();
        }

        private static string E(string s) => WebUtility.HtmlEncode(s);

        /// <summary>`text` in a paragraph becomes code.</summary>
        private static string Code(string encoded) => System.Text.RegularExpressions.Regex.Replace(encoded, "`([^`]+)`", "<code>$1</code>");

        private const string Style = """
            body { font-family: system-ui, sans-serif; max-width: 1280px; margin: 2em auto; padding: 0 1em; color: #222; }
            h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
            .meta, figcaption, .file { color: #666; font-size: 0.9em; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
            th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
            th { background: #f3f3f3; } td code { white-space: pre-wrap; word-break: break-all; }
            figure { margin: 1em 0; } img { max-width: 100%; border: 1px solid #eee; }
            nav { margin: 1em 0; }
            """;

        /// <summary>Marks the body once the page has loaded: every picture decoded and no script error.</summary>
        private const string Check = """
            (function () {
              var errors = [];
              window.addEventListener('error', function (e) { errors.push(String(e.message || e)); });
              window.addEventListener('load', function () {
                var imgs = Array.prototype.slice.call(document.images);
                var broken = imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; }).length;
                document.body.setAttribute('data-check', (broken === 0 && errors.length === 0 ? 'ok' : 'failed') +
                  ' images=' + imgs.length + ' broken=' + broken + ' errors=' + errors.length);
              });
            })();
            """;
    }
}
