using System.CommandLine;
using Isthmus.Cli;

namespace Isthmus.Tests.Cli;

/// <summary>--tie and --clip reach the architecture and the SGD settings, and a run's manifest records both (and its data section the unigram model's perplexity).</summary>
public sealed class LanguageModelOptionsTests
{
    [Fact]
    public void Tie_and_clip_are_read_from_the_command_line()
    {
        var model = new ModelOptions();
        var sgd = new SgdOptions();
        var command = new Command("train");
        foreach (var o in model.All.Append(sgd.Clip)) command.Options.Add(o);

        var parse = command.Parse(["--model", "lstm-lm", "--hidden", "32", "--tie", "--clip", "5"]);
        Assert.Empty(parse.Errors);
        var spec = model.Read(parse)!;
        Assert.True(spec.Flag("tie"));
        Assert.Equal(5, parse.GetValue(sgd.Clip));
        Assert.False(model.Read(command.Parse(["--model", "lstm-lm"]))!.Flag("tie"));
        Assert.Equal(0, command.Parse(["--model", "lstm-lm"]).GetValue(sgd.Clip)); // no clipping unless asked
    }

    [Fact]
    public void A_tied_clipped_language_model_run_records_both_in_its_manifest()
    {
        var ids = Enumerable.Range(0, 120).Select(i => (long)(i * 5 % 12)).ToArray();
        using var data = DataBundle.ForText("tiny-text", TextDataset.FromIds(ids[..90]), TextDataset.FromIds(ids[90..]),
            Vocabulary.FromWords([Vocabulary.Unknown, Vocabulary.EndOfLine, .. Enumerable.Range(0, 10).Select(i => $"w{i}")]));
        using var session = Session.ForData(data);
        using var folder = new TempFolder();
        var spec = new ArchitectureSpec("lstm-lm").With("hidden", "4").With("layers", "2").With("tie", "true");
        var outcome = TrainRecipe.Run(new TrainSettings
        {
            Data = data.Name, Model = spec, Out = folder["lm"], Epochs = 1, BatchSize = 2, Lr = 1, Momentum = 0, WeightDecay = 0, Clip = 0.25,
        }, session);

        Assert.True(outcome.IsText);
        var manifest = Json.ReadObject(Path.Combine(outcome.RunPath, "manifest.json"));
        Assert.Equal(0.25, manifest["hyperparameters"]!["clip"]!.GetValue<double>());
        Assert.Contains("\"tie\"", manifest["architecture"]!.ToJsonString());
        // The data section carries the unigram model's test perplexity, the scale for the run's own.
        Assert.Equal(Math.Round(UnigramBaseline.Perplexity(data.TrainText!.Tokens, data.EvalText!.Tokens, 12), 2),
            manifest["data"]!["unigram_perplexity"]!.GetValue<double>());
        var model = TrainedRun.Open(outcome.RunPath);
        Assert.True(model.Kind.Architecture.Flag("tie"));
        Assert.Equal(0.25, model.Hyperparameters!.Clip);
    }
}
