using System.Text;
using Isthmus.Evaluation;
using Isthmus.Runs;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// The files of an evaluated ensemble (docs/science.md §6): <c>ensemble.json</c> (keys below), <c>ensemble.csv</c> (the
/// first-k table) and <c>ensemble.png</c> (ensemble error and NLL against the number of members, with the mean
/// member as a line). Any command that gathers members (<c>ensemble</c>, <c>fge</c>, <c>sse</c>) writes them this way.
/// </summary>
public static class EnsembleResults
{
    public const string JsonFile = "ensemble.json", CsvFile = "ensemble.csv", PngFile = "ensemble.png";

    /// <summary>
    /// Writes the CSV into <c>folder</c>, then the JSON (last, so a complete JSON means complete results);
    /// <c>context</c> holds extra top-level keys for ensemble.json (architecture, data, ...). The picture is <see cref="Figure"/>.
    /// </summary>
    public static JsonObject Write(string folder, EnsembleEvaluation e, JsonObject? context = null)
    {
        WriteCsv(Path.Combine(folder, CsvFile), e);
        var json = ToJson(e);
        if (context is not null)
            foreach (var (key, value) in context) json[key] = value?.DeepClone();
        json["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        Json.Write(Path.Combine(folder, JsonFile), json);
        return json;
    }

    /// <summary>ensemble.png: ensemble error and NLL against the number of members, with the mean member as a line.</summary>
    public static EnsembleFigure Figure(string folder, EnsembleEvaluation e, string title) =>
        new(Path.Combine(folder, PngFile), title, e.FirstK, e.MeanMemberError, e.MeanMemberNll, e.Average?.Error, e.Average?.ScaledNll ?? e.Average?.Nll);

    public static JsonObject ToJson(EnsembleEvaluation e)
    {
        var members = new JsonArray();
        for (int i = 0; i < e.Members.Count; i++)
        {
            var m = e.Members[i];
            var o = new JsonObject
            {
                ["index"] = i,
                ["source"] = m.Source,
                ["test_error"] = Json.Number(m.Score.Error),
                ["test_nll"] = Json.Number(m.Score.Nll),
            };
            if (m.Score.Temperature is { } t)
            {
                o["temperature"] = Json.Number(t);
                o["test_nll_scaled"] = Json.Number(m.Score.ScaledNll ?? double.NaN);
            }
            o["ece"] = Json.Number(m.Own.Ece);
            o["brier"] = Json.Number(m.Own.Brier);
            members.Add(o);
        }
        var json = new JsonObject
        {
            ["bn_recomputed"] = e.BatchNormRecomputed,
            ["batch_norm"] = e.BatchNormRecomputed
                ? "recomputed for every member and for the average (one pass over its training data, cumulative average)"
                : "none in this architecture (nothing to recompute)",
            ["eval_split"] = "test",
            ["examples"] = e.Examples,
            ["units"] = new JsonObject { ["error"] = "%", ["ece"] = "% (15 equal-width confidence bins)", ["nll"] = "nats per example", ["brier"] = "mean over examples of sum over classes of (p_c - y_c)^2" },
            ["member_count"] = e.Members.Count,
            ["members"] = members,
            ["mean_member"] = new JsonObject { ["test_error"] = Json.Number(e.MeanMemberError), ["test_nll"] = Json.Number(e.MeanMemberNll) },
            ["ensemble"] = Score(e.Ensemble),
            ["disagreement"] = Json.Number(e.Disagreement),
            ["distances"] = new JsonArray(e.Distances.Select(d => Json.Number(d)).ToArray()),
            ["first_k"] = new JsonArray(e.FirstK.Select(f => (JsonNode)new JsonObject { ["k"] = f.K, ["error"] = Json.Number(f.Error), ["nll"] = Json.Number(f.Nll) }).ToArray()),
        };
        if (e.Average is { } a)
        {
            var avg = new JsonObject { ["test_error"] = Json.Number(a.Error), ["test_nll"] = Json.Number(a.Nll) };
            if (a.Temperature is { } t)
            {
                avg["temperature"] = Json.Number(t);
                avg["test_nll_scaled"] = Json.Number(a.ScaledNll ?? double.NaN);
            }
            json["average"] = avg;
        }
        foreach (var (name, score) in e.Compared) json[$"{name}_ensemble"] = Score(score);
        json["temperature_scaling"] = e.TemperatureScaling is { } h
            ? new JsonObject { ["on"] = true, ["held_out"] = h.Description, ["examples"] = h.Examples, ["seen_in_training"] = h.SeenInTraining }
            : new JsonObject { ["on"] = false };
        return json;
    }

    public static JsonObject Score(EnsembleScore s) => new()
    {
        ["error"] = Json.Number(s.Error),
        ["nll"] = Json.Number(s.Nll),
        ["ece"] = Json.Number(s.Ece),
        ["brier"] = Json.Number(s.Brier),
    };

    /// <summary>k, the first-k ensemble's error and NLL, and member k's own error and NLL.</summary>
    public static void WriteCsv(string path, EnsembleEvaluation e)
    {
        var sb = new StringBuilder("k,ensemble_error,ensemble_nll,member_error,member_nll\n");
        foreach (var f in e.FirstK)
        {
            var m = e.Members[f.K - 1];
            sb.Append(string.Create(CultureInfo.InvariantCulture, $"{f.K},{f.Error:R},{f.Nll:R},{m.Score.Error:R},{m.Own.Nll:R}\n"));
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
