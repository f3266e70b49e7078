namespace Isthmus.Reporting;

/// <summary>
/// Prices the members of an <c>ensemble.json</c> in training epochs, the paper's budget unit (docs/science.md §4): an
/// independent run costs its epochs; a member of one trajectory (FGE, SSE) costs the epochs of that trajectory up to
/// the member (for FGE counting the epochs of the run it started from). Members of one trajectory share it, so the
/// first k members cost the sum over their trajectories of the latest member's price.
/// </summary>
public static class EnsembleBudget
{
    public static EnsembleCurve? Price(FoundRun ensembleRun, RunCatalog catalog)
    {
        var ensemble = ensembleRun.Read("ensemble.json");
        if (ensemble["members"] is not JsonArray members || ensemble["first_k"] is not JsonArray firstK || members.Count != firstK.Count) return null;
        var spentPerTrajectory = new Dictionary<string, double>(StringComparer.Ordinal);
        var epochs = new List<double>();
        var families = new HashSet<string>();
        foreach (var member in members)
        {
            var source = member?["source"]?.GetValue<string>();
            if (source is null || MemberPrice(source, catalog) is not { } price) return null;
            families.Add(price.Family);
            spentPerTrajectory[price.Trajectory] = Math.Max(spentPerTrajectory.GetValueOrDefault(price.Trajectory), price.Epochs);
            epochs.Add(spentPerTrajectory.Values.Sum());
        }
        var family = families.Count == 1 ? families.First() : "mixed";
        return new EnsembleCurve(ensembleRun.Name, family, epochs.ToArray(),
            firstK.Select(f => f!["error"]!.GetValue<double>()).ToArray(),
            firstK.Select(f => f!["nll"]?.GetValue<double>() ?? double.NaN).ToArray());
    }

    private sealed record MemberCost(string Trajectory, string Family, double Epochs);

    private static MemberCost? MemberPrice(string source, RunCatalog catalog)
    {
        var run = catalog.Owning(source);
        if (run?.Manifest is not { } manifest) return null;
        double? Epochs(JsonNode? n) => n?.GetValue<double>();
        switch (run.Command)
        {
            case "train":
                return Epochs(manifest["hyperparameters"]?["epochs"]) is { } e ? new MemberCost(run.Path, "independent", e) : null;
            case "fge":
            case "sse":
            {
                var file = Path.GetFileName(source);
                var entry = (manifest["members"] as JsonArray)?.FirstOrDefault(m => m?["file"]?.GetValue<string>() == file);
                if (Epochs(entry?["epoch"]) is not { } at) return null;
                double before = run.Command == "fge" ? Epochs(manifest["start"]?["epoch"]) ?? 0 : 0;
                return new MemberCost(run.Path, run.Command, before + at);
            }
            default:
                return null;
        }
    }
}
