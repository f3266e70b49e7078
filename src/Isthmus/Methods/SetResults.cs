using CsvHelper;
using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// <c>subspace.json</c> and <c>subspace.csv</c> of an evaluated set (docs/science.md §5): per sampled point its simplex, barycentric
/// weights and metrics; <c>stats.&lt;metric&gt;.min|max|mean</c> over the samples; the vertices; every segment between
/// two modes with curve.json's keys, and <c>segments_stats</c> over all their points; the slices; and <c>comparison</c>,
/// the numbers that judge the set's connectivity (worst mode against the subspace's and the segments' maxima).
/// </summary>
public static class SetResults
{
    public static JsonObject ToJson(SetEvaluation e, IReadOnlyList<double> probabilities, IReadOnlyList<string> modeSources, IReadOnlyList<string[]> sliceFiles, bool text)
    {
        var complex = e.Complex;
        var samples = e.Samples.Select(p => p.Scored.Metrics).ToList();
        var segmentPoints = e.Segments.SelectMany(s => s.Curve.Points.Select(p => p.Metrics)).ToList();
        var modes = e.Vertices.Take(complex.Modes).Select(v => v.Metrics).ToList();
        var o = new JsonObject
        {
            ["shape"] = complex.Shape,
            ["modes"] = complex.Modes,
            ["connectors"] = complex.Connectors,
            ["simplices"] = new JsonArray(Enumerable.Range(0, complex.Simplices.Count).Select(s => (JsonNode)new JsonObject
            {
                ["name"] = complex.SimplexName(s),
                ["vertices"] = new JsonArray(complex.Simplices[s].Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
                ["probability"] = Json.Number(probabilities[s]),
            }).ToArray()),
            ["vertices"] = new JsonArray(e.Vertices.Select((v, k) =>
            {
                var point = Metrics(v.Metrics, text);
                point["name"] = v.Label;
                if (k < complex.Modes) point["source"] = modeSources[k];
                return (JsonNode)point;
            }).ToArray()),
            ["samples"] = e.Samples.Count,
            ["points"] = new JsonArray(e.Samples.Select(p =>
            {
                var point = Metrics(p.Scored.Metrics, text);
                point["simplex"] = p.Simplex;
                point["simplex_name"] = complex.SimplexName(p.Simplex);
                point["weights"] = CurveResults.Array(p.Weights);
                return (JsonNode)point;
            }).ToArray()),
            ["stats"] = Stats(samples, text),
            ["segments"] = new JsonArray(e.Segments.Select(s =>
            {
                var segment = CurveResults.ToJson(s.Curve, "segment", 0);
                segment["modes"] = new JsonArray(complex.VertexName(s.From), complex.VertexName(s.To));
                return (JsonNode)segment;
            }).ToArray()),
            ["segments_stats"] = segmentPoints.Count == 0 ? null : Stats(segmentPoints, text),
            ["comparison"] = Comparison(modes, samples, segmentPoints),
            ["slices"] = new JsonArray(e.Slices.Select((slice, i) => (JsonNode)Slice(slice, complex, sliceFiles[i])).ToArray()),
            ["bn_recomputed"] = e.Segments.FirstOrDefault()?.Curve.BatchNormRecomputed,
            ["seconds_per_point"] = Json.Number(e.Samples.Average(p => p.Scored.Seconds)),
        };
        return o;
    }

    /// <summary>One row per sampled point: its simplex, its coefficient on every vertex, its metrics.</summary>
    public static void WriteCsv(string path, SetEvaluation e, bool text) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        var complex = e.Complex;
        var columns = Columns(e.Samples.Select(p => p.Scored.Metrics).ToList(), text);
        foreach (var header in new[] { "index", "simplex", "simplex_name" }) csv.WriteField(header);
        for (int k = 0; k < complex.Vertices; k++) csv.WriteField($"c_{complex.VertexName(k)}");
        foreach (var (name, _) in columns) csv.WriteField(name);
        csv.WriteField("seconds");
        csv.NextRecord();
        for (int i = 0; i < e.Samples.Count; i++)
        {
            var p = e.Samples[i];
            csv.WriteField(i + 1);
            csv.WriteField(p.Simplex);
            csv.WriteField(complex.SimplexName(p.Simplex));
            foreach (var c in p.Scored.Coefficients) csv.WriteField(c.ToString("R", CultureInfo.InvariantCulture));
            foreach (var (_, values) in columns) csv.WriteField(values[i].ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(p.Scored.Seconds.ToString("F3", CultureInfo.InvariantCulture));
            csv.NextRecord();
        }
    });

    /// <summary>The metric columns of a list of points, by their curve.json names (perplexities too for token streams).</summary>
    public static List<(string Name, double[] Values)> Columns(IReadOnlyList<PointMetrics> points, bool text)
    {
        var columns = new List<(string, double[])>
        {
            ("train_loss", points.Select(p => p.TrainLoss).ToArray()),
            ("train_nll", points.Select(p => p.Train.Nll).ToArray()),
            ("train_error", points.Select(p => p.Train.Error).ToArray()),
            ("test_nll", points.Select(p => p.Test.Nll).ToArray()),
            ("test_error", points.Select(p => p.Test.Error).ToArray()),
        };
        if (text)
        {
            columns.Add(("train_perplexity", points.Select(p => p.Train.Perplexity).ToArray()));
            columns.Add(("test_perplexity", points.Select(p => p.Test.Perplexity).ToArray()));
        }
        return columns;
    }

    private static JsonObject Metrics(PointMetrics p, bool text) => MetricsSection.Json(p.TrainLoss, p.Train, p.Test, text);

    private static JsonObject Stats(IReadOnlyList<PointMetrics> points, bool text)
    {
        var o = new JsonObject();
        foreach (var (name, values) in Columns(points, text))
            o[name] = new JsonObject { ["min"] = Json.Number(values.Min()), ["max"] = Json.Number(values.Max()), ["mean"] = Json.Number(values.Average()) };
        return o;
    }

    /// <summary>Is the subspace's worst test error within reach of the worst mode's, while the straight segments rise?</summary>
    private static JsonObject Comparison(List<PointMetrics> modes, List<PointMetrics> samples, List<PointMetrics> segments)
    {
        double worstError = modes.Max(m => m.Test.Error), worstLoss = modes.Max(m => m.TrainLoss);
        double subspaceError = samples.Max(m => m.Test.Error), subspaceLoss = samples.Max(m => m.TrainLoss);
        return new JsonObject
        {
            ["worst_mode_test_error"] = Json.Number(worstError),
            ["subspace_max_test_error"] = Json.Number(subspaceError),
            ["subspace_excess_test_error"] = Json.Number(subspaceError - worstError),
            ["segments_max_test_error"] = segments.Count == 0 ? null : Json.Number(segments.Max(m => m.Test.Error)),
            ["worst_mode_train_loss"] = Json.Number(worstLoss),
            ["subspace_max_train_loss"] = Json.Number(subspaceLoss),
            ["segments_max_train_loss"] = segments.Count == 0 ? null : Json.Number(segments.Max(m => m.TrainLoss)),
        };
    }

    private static JsonObject Slice(SetSlice slice, Space.SimplicialComplex complex, string[] files)
    {
        JsonArray Grid(double[,] v) => new(Enumerable.Range(0, v.GetLength(0))
            .Select(j => (JsonNode)CurveResults.Array(Enumerable.Range(0, v.GetLength(1)).Select(i => v[j, i]))).ToArray());
        var s = slice.Surface;
        return new JsonObject
        {
            ["vertices"] = new JsonArray(complex.VertexName(slice.ModeA), complex.VertexName(slice.ModeB), complex.VertexName(slice.Connector)),
            ["files"] = new JsonArray(files.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()),
            ["layout"] = "arrays are [row j][column i] = the point (x[i], y[j]); x along mode B - mode A, y towards the connector",
            ["u_norm"] = Json.Number(slice.UNorm),
            ["v_norm"] = Json.Number(slice.VNorm),
            ["points"] = new JsonArray(slice.Points.Select(p => (JsonNode)new JsonObject { ["name"] = complex.VertexName(p.Vertex), ["x"] = Json.Number(p.X), ["y"] = Json.Number(p.Y) }).ToArray()),
            ["x"] = CurveResults.Array(s.X),
            ["y"] = CurveResults.Array(s.Y),
            ["train_loss"] = Grid(s.TrainLoss),
            ["test_error"] = Grid(s.TestError),
            ["seconds_per_point"] = Json.Number(s.SecondsPerPoint),
        };
    }
}
