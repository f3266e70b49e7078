namespace Isthmus.Reporting;

/// <summary>How the report writes numbers, times and architectures into its tables ("–" for what is missing).</summary>
internal static class ReportFormat
{
    public static string G(JsonNode? v) => v is null ? "–" : v.GetValue<double>().ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>min / mean / max over a list of metric objects, shaped like a stats block.</summary>
    public static JsonObject Summary(IReadOnlyList<JsonNode> items, string[] metrics)
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


    public static string Architecture(JsonObject manifest)
    {
        var a = manifest["architecture"];
        var name = a?["name"]?.GetValue<string>() ?? "?";
        var options = a?["options"] as JsonObject;
        return options is null || options.Count == 0 ? name : $"{name}({string.Join(", ", options.Select(o => $"{o.Key}={o.Value}"))})";
    }

    public static string Stats(JsonObject c, string metric, int digits) =>
        $"{F(c["stats"]?[metric]?["min"], digits)} / {F(c["stats"]?[metric]?["int"], digits)} / {F(c["stats"]?[metric]?["max"], digits)}";

    public static string MinMeanMax(JsonNode? s, int digits) => $"{F(s?["min"], digits)} / {F(s?["mean"], digits)} / {F(s?["max"], digits)}";

    public static List<double> Flatten(JsonNode? grid) =>
        grid is JsonArray rows ? rows.SelectMany(r => r is JsonArray row ? row.Select(v => v?.GetValue<double>() ?? double.NaN) : []).Where(double.IsFinite).ToList() : [];

    public static string F(JsonNode? v, int digits) => v is null ? "–" : F(v.GetValue<double>(), digits);
    public static string F(double v, int digits) => double.IsFinite(v) ? v.ToString("F" + digits, CultureInfo.InvariantCulture) : "–";

    public static string Seconds(double? s) => s switch
    {
        null => "–",
        < 120 => $"{s:F0} s",
        _ => $"{s / 60:F1} min",
    };
}
