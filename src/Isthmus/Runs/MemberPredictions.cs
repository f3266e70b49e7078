using Isthmus.Storage;

namespace Isthmus.Runs;

/// <summary>
/// <c>predictions.safetensors</c> in an <c>fge</c> or <c>sse</c> folder: each member's test-set log-probabilities
/// (float64 [N, C], tensor <c>log_probabilities.&lt;k&gt;</c>) exactly as <see cref="Evaluation.MemberEvaluator"/>
/// produced them in the member's one evaluation, so that an ensemble of the members (<c>compare</c>) needs no second
/// pass over the data and gives the numbers <c>ensemble --members</c> would.
/// </summary>
public static class MemberPredictions
{
    public const string File = "predictions.safetensors";
    private const string Prefix = "log_probabilities.";

    /// <summary>The log-probabilities stored in <paramref name="runPath"/>, by member k (empty when there is no file); the caller disposes them.</summary>
    public static Dictionary<int, Tensor> Read(string runPath)
    {
        var path = Path.Combine(runPath, File);
        var result = new Dictionary<int, Tensor>();
        if (!System.IO.File.Exists(path)) return result;
        using var file = Safetensors.Load(path);
        foreach (var (name, tensor) in file.Tensors)
            if (name.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(name[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var k))
                result[k] = tensor.to_type(ScalarType.Float64).clone().DetachFromDisposeScope();
        return result;
    }

    /// <summary>Writes every member's log-probabilities at once (atomically), in order of k.</summary>
    public static void Write(string runPath, IReadOnlyDictionary<int, Tensor> byMember, string split) =>
        Safetensors.Save(Path.Combine(runPath, File),
            byMember.OrderBy(kv => kv.Key).Select(kv => (Prefix + kv.Key.ToString(CultureInfo.InvariantCulture), kv.Value)),
            new Dictionary<string, string>
            {
                ["split"] = split,
                ["contents"] = "log-softmax of each member's logits in float64, batch norm recomputed for the member",
            });
}
