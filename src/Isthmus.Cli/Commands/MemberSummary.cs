using System.Text;

namespace Isthmus.Cli.Commands;

/// <summary>What fge and sse print when they finish: one line per member (its own test error and NLL) and the JSON result.</summary>
internal static class MemberSummary
{
    public static void Print(Output io, string command, string outPath, MemberRunOutcome outcome)
    {
        var json = new JsonObject
        {
            ["run"] = outcome.RunPath,
            ["already_complete"] = outcome.AlreadyComplete,
            ["start"] = outcome.Start is { } s ? new JsonObject { ["test_error"] = Json.Number(s.Error), ["test_nll"] = Json.Number(s.Nll) } : null,
            ["members"] = new JsonArray(outcome.Members.Select(m => (JsonNode)m.ToJson()).ToArray()),
            ["seconds_per_epoch"] = outcome.Epochs.Count == 0 ? null : Math.Round(outcome.Epochs.Average(e => e.Seconds), 3),
            ["seconds"] = Math.Round(outcome.Seconds, 2),
        };
        var text = new StringBuilder();
        var note = outcome.AlreadyComplete ? " (already complete; nothing to do)" : $" in {outcome.Seconds:F0} s";
        text.Append(CultureInfo.InvariantCulture, $"{command}: {Words.Count(outcome.Members.Count, "member")} in {outPath}{note}");
        if (outcome.Start is { } st) text.Append(CultureInfo.InvariantCulture, $"; start point test error {st.Error:F2}% (NLL {st.Nll:F4})");
        foreach (var m in outcome.Members)
            text.Append(CultureInfo.InvariantCulture, $"\n  {m.File}  iteration {m.Iteration} (epoch {m.Epoch:0.##})  test error {m.TestError:F2}%  NLL {m.TestNll:F4}  distance from start {m.DistanceFromStart:F3}");
        text.Append(CultureInfo.InvariantCulture, $"\nensemble them with `isthmus ensemble --members {outPath}`; walk the chain through them with `isthmus eval-chain --members {outPath}`");
        io.Result(text.ToString(), json);
    }
}
