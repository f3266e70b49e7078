using System.Globalization;
using Isthmus.Cli.Commands;

namespace Isthmus.Tests.Evaluation;

/// <summary>A language model's curve is scored by perplexity, exp of the mean per-token cross-entropy (Table 3), at every point.</summary>
public sealed class LanguageModelCurveTests
{
    [Fact]
    public void A_language_model_curve_reports_train_and_test_perplexity_per_point_in_json_csv_and_summary()
    {
        var ids = Enumerable.Range(0, 300).Select(i => (long)((i * i + 3 * i) % 12)).ToArray();
        using var data = DataBundle.ForText("tiny-text", TextDataset.FromIds(ids[..200]), TextDataset.FromIds(ids[200..]),
            Vocabulary.FromWords([Vocabulary.Unknown, Vocabulary.EndOfLine, .. Enumerable.Range(0, 10).Select(i => $"w{i}")]));
        var spec = new ArchitectureSpec("lstm-lm").With("hidden", "6").With("layers", "2");
        using var net = ModelZoo.Build(spec, new DataShape([], data.Classes));
        using var space = WeightSpace.Create(net.Layout, 3, seed: 2);
        net.Bind(space);
        var evaluator = new PointEvaluator(BatchSources.TrainingForEvaluation(data), BatchSources.Evaluation(data), weightDecay: 0);
        var bezier = new Bezier(1);

        var curve = CurveEvaluator.Evaluate(net, bezier, PathStatistics.UniformGrid(3), evaluator);

        Assert.True(curve.Sequence);
        var arrays = curve.Arrays.ToDictionary(a => a.Name, a => a.Values);
        Assert.DoesNotContain("ensemble_with_start_error", arrays.Keys);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Math.Exp(arrays["train_nll"][i]), arrays["train_perplexity"][i], 9);
            Assert.Equal(Math.Exp(arrays["test_nll"][i]), arrays["test_perplexity"][i], 9);
            Assert.InRange(arrays["test_perplexity"][i], 2, 100); // an untrained model: about the vocabulary's 12
        }
        space.MoveTo(bezier.Coefficients(0.5)); // the midpoint scored on its own gives the same perplexities
        var alone = evaluator.Evaluate(net);
        Assert.Equal(alone.Test.Perplexity, arrays["test_perplexity"][1], 9);
        Assert.Equal(alone.Train.Perplexity, arrays["train_perplexity"][1], 9);

        var json = CurveResults.ToJson(curve, "bezier", 1);
        Assert.Equal(3, json["test_perplexity"]!.AsArray().Count);
        Assert.Equal(arrays["test_perplexity"].Max(), json["stats"]!["test_perplexity"]!["max"]!.GetValue<double>(), 9);
        Assert.Equal(arrays["train_perplexity"].Min(), json["stats"]!["train_perplexity"]!["min"]!.GetValue<double>(), 9);

        using var folder = new TempFolder();
        CurveResults.WriteCsv(folder["curve.csv"], curve);
        var lines = File.ReadAllLines(folder["curve.csv"]);
        var header = lines[0].Split(',');
        Assert.Contains("train_perplexity", header);
        Assert.Equal(arrays["test_perplexity"][2],
            double.Parse(lines[3].Split(',')[Array.IndexOf(header, "test_perplexity")], CultureInfo.InvariantCulture), 9);

        var summary = EvalCurveCommand.Scores(curve);
        Assert.Contains("test perplexity min/int/max", summary);
        Assert.Contains(arrays["test_perplexity"].Max().ToString("F1", CultureInfo.InvariantCulture), summary);
        Assert.DoesNotContain("error", summary);
    }
}
