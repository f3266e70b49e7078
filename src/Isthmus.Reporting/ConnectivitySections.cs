using static Isthmus.Reporting.ReportFormat;

namespace Isthmus.Reporting;

/// <summary>The report's sections on single networks and what joins them: the trained networks, the curves (Table 2) and the planes.</summary>
internal static class ConnectivitySections
{
    /// <summary>The paper's MNIST FC rows of Table 2 (docs/science.md §2): length ratio, train loss and test error min/int/max.</summary>
    private static readonly (string Curve, string Ratio, string Loss, string Error)[] PaperMnistFc =
    [
        ("single", "–", "0.018", "1.46 / – / 1.50"),
        ("segment", "1", "0.018 / 0.252 / 0.657", "1.45 / 1.96 / 3.18"),
        ("bezier", "1.58", "0.016 / 0.020 / 0.024", "1.46 / 1.52 / 1.56"),
        ("polychain", "1.73", "0.013 / 0.022 / 0.029", "1.46 / 1.51 / 1.58"),
    ];

    public static JsonArray Networks(RunCatalog catalog, ReportPage page)
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

    public static JsonArray Curves(RunCatalog catalog, ReportPage page)
    {
        var rows = new JsonArray();
        var runs = catalog.With("curve.json").Concat(catalog.With("segment.json")).Distinct().ToList();
        if (!page.SectionFor(runs, "curves", "Curves between modes (Garipov et al. 2018, Table 2)",
            "Every point is a network whose weights lie on the curve; batch norm, where present, is recomputed at each point " +
            "(except in segments evaluated with --no-correction, which interpolate the endpoints' statistics). " +
            "Train loss includes the L2 term; Int is the arc-length-weighted mean (trapezoid rule), as in the paper's Table 2.")) return rows;
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

    public static JsonArray Planes(RunCatalog catalog, ReportPage page)
    {
        var rows = new JsonArray();
        var runs = catalog.With("plane.json").ToList();
        if (!page.SectionFor(runs, "planes", "Loss surface planes (Figure 1)",
            "The plane through three weight vectors (the curve's endpoints and its middle bend, unless chosen otherwise), " +
            "evaluated on a grid with batch norm recomputed at every point; the projected curve and points are drawn on it.")) return rows;
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

}
