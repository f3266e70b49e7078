using Isthmus.Evaluation;
using Isthmus.Landscape;
using Isthmus.Runs;
using Isthmus.Runs.Sharding;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// plane's result files: <c>plane.json</c> (every metric on the grid, the control points and the curve projected)
/// written from a whole grid, either evaluated at once or merged from shards, with the two contour pictures described
/// as figures.
/// </summary>
internal static class PlaneResultFiles
{
    /// <summary>Writes plane.json from every shard's grid points; the two pictures are the outcome's figures.</summary>
    public static MergeOutcome Merge(MergedGrid grid, MergeSettings s)
    {
        var context = ShardPart.FromJson<PlaneContext>(grid.Context);
        var folder = ShardMerge.ResultFolder(grid, s, context,
            "These shards evaluated a plane through three train runs, which has no run of its own to write into; pass --out DIR.");
        var (_, figures) = Write(folder, context, grid.Results.Select(r => ShardPart.FromJson<GridPoint>(r["point"])).ToArray());
        return new MergeOutcome(PlaneRecipe.Command, folder.Path, grid.Folders.Count, grid.Results.Count, [PlaneRecipe.PlaneJson, PlaneRecipe.LossPng, PlaneRecipe.ErrorPng]) { Figures = figures };
    }

    public static (PlaneSurface, Figure[]) Write(RunDirectory folder, PlaneContext c, IReadOnlyList<GridPoint> cells)
    {
        var surface = PlaneSurface.From(c.X, c.Y, cells, c.BatchNormRecomputed);
        var curve = c.CurveX is null ? null : c.CurveX.Zip(c.CurveY!).ToList();
        Figure[] figures =
        [
            new PlaneFigure(folder.File(PlaneRecipe.LossPng), $"{c.Title}: train loss", "train loss", c.X, c.Y, surface.TrainLoss, c.Markers, curve, c.CurveName),
            new PlaneFigure(folder.File(PlaneRecipe.ErrorPng), $"{c.Title}: test error", "test error (%)", c.X, c.Y, surface.TestError, c.Markers, curve, c.CurveName),
        ];
        var json = ToJson(surface, c);
        json["architecture"] = c.Architecture.DeepClone();
        json["data"] = c.Data.DeepClone();
        json["evaluated_utc"] = DateTime.UtcNow.ToString("O");
        Json.Write(folder.File(PlaneRecipe.PlaneJson), json);
        if (folder.Manifest.Command == PlaneRecipe.Command) folder.Complete();
        return (surface, figures);
    }

    private static JsonObject ToJson(PlaneSurface surface, PlaneContext c)
    {
        JsonArray Grid(double[,] v) => new(Enumerable.Range(0, v.GetLength(0))
            .Select(j => (JsonNode)CurveResults.Array(Enumerable.Range(0, v.GetLength(1)).Select(i => v[j, i]))).ToArray());
        var o = new JsonObject
        {
            ["grid"] = c.Grid,
            ["margin"] = c.Margin,
            ["layout"] = "arrays are [row j][column i] = the point (x[i], y[j])",
            ["x"] = CurveResults.Array(surface.X),
            ["y"] = CurveResults.Array(surface.Y),
            ["u_norm"] = Json.Number(c.UNorm),
            ["v_norm"] = Json.Number(c.VNorm),
            ["plane_points"] = new JsonArray(c.PlanePoints.Select(k => (JsonNode)JsonValue.Create(k)!).ToArray()),
            ["control_points"] = new JsonArray(c.Markers.Select(m => (JsonNode)new JsonObject { ["name"] = m.Label, ["x"] = Json.Number(m.X), ["y"] = Json.Number(m.Y) }).ToArray()),
            ["train_loss"] = Grid(surface.TrainLoss),
            ["test_error"] = Grid(surface.TestError),
            ["train_nll"] = Grid(surface.TrainNll),
            ["train_error"] = Grid(surface.TrainError),
            ["test_nll"] = Grid(surface.TestNll),
            ["bn_recomputed"] = surface.BatchNormRecomputed,
            ["seconds_per_point"] = Json.Number(surface.SecondsPerPoint),
        };
        if (c.CurveX is not null)
            o["curve"] = new JsonObject
            {
                ["family"] = c.Family,
                ["x"] = CurveResults.Array(c.CurveX),
                ["y"] = CurveResults.Array(c.CurveY!),
            };
        return o;
    }
}

/// <summary>Everything plane's result files say besides the measured grid points: a shard keeps it, so the merge writes the same files.</summary>
internal sealed record PlaneContext : IShardContext
{
    public required string Title { get; init; }
    public required string CurveName { get; init; }
    public string? Family { get; init; }
    public required double[] X { get; init; }
    public required double[] Y { get; init; }
    public required IReadOnlyList<PlaneMarker> Markers { get; init; }
    /// <summary>The curve projected onto the plane (curve runs only).</summary>
    public double[]? CurveX { get; init; }
    public double[]? CurveY { get; init; }
    public required int[] PlanePoints { get; init; }
    public required int Grid { get; init; }
    public required double Margin { get; init; }
    public required double UNorm { get; init; }
    public required double VNorm { get; init; }
    public required JsonObject Architecture { get; init; }
    public required JsonObject Data { get; init; }
    public required bool BatchNormRecomputed { get; init; }
    /// <summary>The curve run, where results go without --out.</summary>
    public string? InPlace { get; init; }
    /// <summary>The manifest sections of a new results folder.</summary>
    public required JsonObject Sections { get; init; }
}
