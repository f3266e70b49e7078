namespace Isthmus.Data;

/// <summary>
/// What a loaded data set holds, as <c>isthmus data info</c> shows it: the size of each split, the classes (for text, the
/// vocabulary) and, for text, how often the evaluation split meets <see cref="Vocabulary.Unknown"/> and the
/// <see cref="UnigramBaseline"/> perplexity on both splits, the scale a language model's perplexity is read against.
/// </summary>
/// <param name="Train">Training examples, or for text training tokens (after --subset).</param>
/// <param name="Eval">Examples or tokens of the evaluation split (<paramref name="EvalSplit"/>).</param>
public sealed record DataSummary(
    string Name, DataKind Kind, long Train, long Eval, string EvalSplit, int Classes, long[] InputShape,
    double? EvalUnknownShare, double? UnigramTrainPerplexity, double? UnigramEvalPerplexity)
{
    /// <summary>Summarises <paramref name="data"/>.</summary>
    public static DataSummary Of(DataBundle data)
    {
        if (data.Kind != DataKind.Text)
            return new(data.Name, data.Kind, data.Train!.Count, data.Eval!.Count, data.EvalSplit, data.Classes, data.InputShape,
                null, null, null);
        var train = data.TrainText!.Tokens;
        var eval = data.EvalText!.Tokens;
        double unknownShare;
        using (NewDisposeScope()) unknownShare = eval.eq(data.Vocab!.UnknownId).to(ScalarType.Float64).mean().item<double>();
        return new(data.Name, data.Kind, train.numel(), eval.numel(), data.EvalSplit, data.Classes, data.InputShape,
            unknownShare,
            UnigramBaseline.Perplexity(train, train, data.Classes),
            UnigramBaseline.Perplexity(train, eval, data.Classes));
    }
}
