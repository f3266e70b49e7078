using CsvHelper;
using Isthmus.Evaluation;
using Isthmus.Runs;
using Isthmus.Landscape;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// <c>curve.json</c> and <c>curve.csv</c> (or <c>segment.*</c>) of an evaluated curve (docs/science.md §2), with these keys:
/// arrays per t, <c>stats.&lt;metric&gt;.min|max|mean|int</c>, <c>length</c>, <c>length_ratio</c>,
/// <c>barrier.&lt;metric&gt;.max|frankle|entezari</c>.
/// </summary>
public static class CurveResults
{
    /// <summary>Why a curve has no length ratio: its endpoints coincide, so the straight segment it is compared with has length 0.</summary>
    public const string UndefinedLengthRatio = "the endpoints coincide, so the segment between them has length 0";

    public static JsonObject ToJson(CurveEvaluation c, string family, int? bends)
    {
        var o = new JsonObject
        {
            ["family"] = family,
            ["bends"] = bends,
            ["points"] = c.Points.Count,
            ["bn_recomputed"] = c.BatchNormRecomputed,
            ["correction"] = c.Correction,
            ["t"] = Array(c.T),
        };
        var arrays = c.Arrays;
        foreach (var (name, values) in arrays) o[name] = Array(values);
        var stats = new JsonObject();
        var barrier = new JsonObject();
        foreach (var (name, values) in arrays)
        {
            var s = c.Stats(values);
            stats[name] = new JsonObject { ["min"] = Json.Number(s.Min), ["max"] = Json.Number(s.Max), ["mean"] = Json.Number(s.Mean), ["int"] = Json.Number(s.Int) };
            var b = c.Barriers(values);
            barrier[name] = new JsonObject { ["max"] = Json.Number(b.Max), ["frankle"] = Json.Number(b.Frankle), ["entezari"] = Json.Number(b.Entezari) };
        }
        o["stats"] = stats;
        o["length"] = Json.Number(c.Length);
        o["length_ratio"] = Json.Number(c.LengthRatio);
        if (!double.IsFinite(c.LengthRatio)) o["length_ratio_undefined"] = UndefinedLengthRatio;
        o["endpoint_distance"] = Json.Number(c.EndpointDistance);
        o["barrier"] = barrier;
        o["barrier_definitions"] = new JsonObject
        {
            ["max"] = "max over t (Garipov 2018, Draxler 2018)",
            ["frankle"] = "max over t minus the mean of the endpoint values (Frankle 2020)",
            ["entezari"] = "max over t of m(t) - [(1-t) m(0) + t m(1)] (Entezari 2021)",
        };
        o["steps"] = Array(c.Steps);
        o["seconds_per_point"] = Json.Number(c.SecondsPerPoint);
        return o;
    }

    /// <summary>The metrics of the point at index <paramref name="i"/>, with the keys of a manifest's <c>final</c>.</summary>
    public static JsonObject PointJson(CurveEvaluation c, int i)
    {
        var p = c.Points[i];
        var o = MetricsSection.Json(p.Metrics.TrainLoss, p.Metrics.Train, p.Metrics.Test, c.Sequence);
        o["t"] = p.T;
        return o;
    }

    public static void WriteCsv(string path, CurveEvaluation c) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        var arrays = c.Arrays;
        csv.WriteField("t");
        foreach (var (name, _) in arrays) csv.WriteField(name);
        csv.WriteField("seconds");
        csv.NextRecord();
        for (int i = 0; i < c.Points.Count; i++)
        {
            csv.WriteField(c.Points[i].T.ToString("R", CultureInfo.InvariantCulture));
            foreach (var (_, values) in arrays) csv.WriteField(values[i].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(c.Points[i].Seconds.ToString("F3", CultureInfo.InvariantCulture));
            csv.NextRecord();
        }
    });

    public static JsonArray Array(IEnumerable<double> values) => new(values.Select(Json.Number).ToArray());
}
