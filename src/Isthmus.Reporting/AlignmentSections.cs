using static Isthmus.Reporting.ReportFormat;

namespace Isthmus.Reporting;

/// <summary>
/// The report's section on connectivity modulo permutations (docs/alignment.md): for every <c>align</c> run, the
/// barriers of the evaluated segments between its two networks side by side: A–B before alignment, A–B′ after, and
/// A–B′ with REPAIR or batch-norm reset, each with the correction <c>eval-curve</c> applied.
/// </summary>
internal static class AlignmentSections
{
    /// <summary>A segment evaluated by eval-curve: its endpoints' folders, its curve.json, and the run.</summary>
    private sealed record Segment(FoundRun Run, string Start, string End, JsonObject Curve);

    public static JsonArray Barriers(RunCatalog catalog, ReportPage page)
    {
        var rows = new JsonArray();
        var alignments = catalog.Made("align").ToList();
        var segments = catalog.With("curve.json").Select(Of).OfType<Segment>().ToList();
        if (alignments.Count == 0 || segments.Count == 0) return rows;
        page.Section("alignment", "Barriers modulo permutations (Entezari et al. 2021; Ainsworth et al. 2022; Jordan et al. 2022)");
        page.Paragraph("Each aligned network B′ computes exactly B's function with its hidden units relabelled to match A. The straight " +
            "segments between the networks, as eval-curve evaluated them, side by side: test-error barriers in percentage points " +
            "(max over t; Frankle: max minus the mean of the endpoints; Entezari: the largest rise above the chord), and the Frankle " +
            "barrier as a fraction of the segment before alignment.");
        foreach (var align in alignments)
        {
            if (align.Manifest?["space"]?["sources"] is not JsonArray { Count: 2 } sources) continue;
            string a = Full(sources[0]!.GetValue<string>()), b = Full(sources[1]!.GetValue<string>()), aligned = Full(align.Path);
            var method = align.Manifest["settings"]?["method"]?.GetValue<string>() ?? "?";
            var found = segments.Where(s => s.Start == a && (s.End == b || s.End == aligned))
                .Select(s => (s, After: s.End == aligned, Stage: Stage(s.End == aligned, Correction(s.Curve))))
                .OrderBy(x => x.After).ThenBy(x => Rank(Correction(x.s.Curve))).ToList();
            if (found.Count == 0) continue;
            var metric = found[0].s.Curve["barrier"]?["test_error"] is not null ? "test_error" : "test_perplexity";
            // The reference is the segment before alignment, uncorrected where it was evaluated so.
            var before = found.Where(x => !x.After).Select(x => x.s.Curve["barrier"]?[metric]?["frankle"]?.GetValue<double>()).FirstOrDefault();
            var table = new List<string[]>();
            foreach (var (s, after, stage) in found)
            {
                var barrier = s.Curve["barrier"]?[metric];
                var frankle = barrier?["frankle"]?.GetValue<double>();
                double? fraction = frankle is { } f && before is { } r && r != 0 ? f / r : null;
                rows.Add(new JsonObject
                {
                    ["align_run"] = align.Name, ["method"] = method, ["segment_run"] = s.Run.Name, ["aligned"] = after, ["stage"] = stage,
                    ["correction"] = Correction(s.Curve), ["metric"] = metric, ["barrier_max"] = barrier?["max"]?.DeepClone(),
                    ["barrier_frankle"] = barrier?["frankle"]?.DeepClone(), ["barrier_entezari"] = barrier?["entezari"]?.DeepClone(),
                    ["fraction_of_before"] = fraction is { } x ? Json.Number(x) : null,
                });
                table.Add([stage, after ? $"A–B′ ({method} matching)" : "A–B", Correction(s.Curve),
                    $"{F(barrier?["max"], 2)} / {F(barrier?["frankle"], 2)} / {F(barrier?["entezari"], 2)}",
                    fraction is { } y ? F(y, 2) : "–", s.Run.Name]);
            }
            page.Paragraph($"{align.Name}: B′ aligned to A = {Name(catalog, a)} from B = {Name(catalog, b)} by {method} matching.");
            page.Table(["stage", "segment", "correction", $"{metric.Replace('_', ' ')} barrier max / Frankle / Entezari", "÷ before", "run"], table);
        }
        return rows;
    }

    /// <summary>The straight segment an eval-curve run evaluated (its manifest's sources), or null for anything else.</summary>
    private static Segment? Of(FoundRun run) =>
        run.Manifest?["space"] is JsonObject space && space["kind"]?.GetValue<string>() == "segment"
        && space["sources"] is JsonArray { Count: 2 } sources && run.Complete
            ? new Segment(run, Full(sources[0]!.GetValue<string>()), Full(sources[1]!.GetValue<string>()), run.Read("curve.json"))
            : null;

    private static string Correction(JsonObject curve) => curve["correction"]?.GetValue<string>() ?? "none";

    /// <summary>Uncorrected first, then batch-norm reset, then REPAIR.</summary>
    private static int Rank(string correction) => correction.StartsWith("none", StringComparison.Ordinal) ? 0 : correction == "repair" ? 2 : 1;

    private static string Stage(bool aligned, string correction) => (aligned, Rank(correction)) switch
    {
        (false, 0) => "before alignment",
        (false, _) => $"before alignment, {Named(correction)}",
        (true, 0) => "after alignment",
        (true, _) => $"after alignment + {Named(correction)}",
    };

    private static string Named(string correction) => correction == "repair" ? "REPAIR" : "batch-norm reset";

    private static string Name(RunCatalog catalog, string path) => catalog.Owning(path)?.Name ?? path;

    private static string Full(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
