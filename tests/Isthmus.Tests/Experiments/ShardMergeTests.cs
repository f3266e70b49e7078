using Isthmus.Runs.Sharding;

namespace Isthmus.Tests.Experiments;

/// <summary>
/// A grid evaluated in two shards and merged gives exactly the files of one unsharded run, on real MNIST (small
/// networks trained on a 2000-example subset, evaluated on the full splits).
/// </summary>
public sealed class ShardMergeTests(MnistFixture mnist) : MnistTest(mnist)
{
    private string Train(string name, long seed)
    {
        TrainRecipe.Run(new TrainSettings
        {
            Data = "mnist", Model = new ArchitectureSpec("mlp").With("widths", "16"), Out = Dir[name],
            Epochs = 1, Schedule = "constant", Subset = 2000, Seed = seed, DataRoot = DataRoot, Threads = 1,
        });
        return Dir[name];
    }

    private EvalCurveSettings Curve(string run, string? output, Shard shard, int points = 5) => new()
    {
        Run = run, Out = output, Points = points, WithSegment = true, Shard = shard, DataRoot = DataRoot, Threads = 1,
    };

    private PlaneSettings Plane(IReadOnlyList<string> runs, string output, Shard shard) => new()
    {
        Points = runs, Out = output, Grid = 3, Shard = shard, DataRoot = DataRoot, Threads = 1,
    };

    /// <summary>A result file without what legitimately differs between two runs: when and how fast they ran.</summary>
    private static JsonObject Timeless(string path)
    {
        var o = Json.ReadObject(path);
        o.Remove("evaluated_utc");
        o.Remove("seconds_per_point");
        return o;
    }

    private static string[] CsvWithoutSeconds(string path) =>
        File.ReadAllLines(path).Select(line => string.Join(',', line.Split(',')[..^1])).ToArray();

    [Fact]
    public void Two_curve_shards_merged_equal_one_unsharded_run()
    {
        var (a, b) = (Train("a", 1), Train("b", 2));
        var bezier = Dir["bezier"];
        ConnectRecipe.Run(new ConnectSettings { From = a, To = b, Out = bezier, Epochs = 1, Schedule = "constant", DataRoot = DataRoot, Threads = 1 });

        var whole = EvalCurveRecipe.Run(Curve(bezier, Dir["whole"], Shard.All));
        var first = EvalCurveRecipe.Run(Curve(bezier, Dir["parts/0"], new Shard(0, 2)));
        EvalCurveRecipe.Run(Curve(bezier, Dir["parts/1"], new Shard(1, 2)));
        Assert.Equal([0.0, 0.5, 1.0], first.Curve.T);       // shard 0 of 2 owns t = 0, 0.5, 1
        Assert.False(File.Exists(Path.Combine(bezier, EvalCurveRecipe.CurveJson)));

        var merged = MergeRecipe.Run(new MergeSettings { Parts = [Dir["parts/1"], Dir["parts/0"]] });
        Figures.Draw(merged);
        Assert.Equal(Path.GetFullPath(bezier), merged.Folder); // where the unsharded command writes without --out
        Assert.Equal(5, merged.Points);
        foreach (var file in new[] { EvalCurveRecipe.CurveJson, EvalCurveRecipe.SegmentJson })
        {
            var (expected, got) = (Timeless(Path.Combine(whole.Folder, file)), Timeless(Path.Combine(bezier, file)));
            Assert.True(JsonNode.DeepEquals(expected, got), $"{file} differs:\n{expected}\n---\n{got}");
        }
        foreach (var file in new[] { EvalCurveRecipe.CurveCsv, EvalCurveRecipe.SegmentCsv })
            Assert.Equal(CsvWithoutSeconds(Path.Combine(whole.Folder, file)), CsvWithoutSeconds(Path.Combine(bezier, file)));
        Assert.True(File.Exists(Path.Combine(bezier, EvalCurveRecipe.CurvePng)));

        // Real numbers: t = 0 is run A, scored exactly as train scored it, and shard 1 (which did not own t = 0)
        // computed the ensemble column against it all the same.
        var json = Json.ReadObject(Path.Combine(bezier, EvalCurveRecipe.CurveJson));
        var recorded = RunDirectory.Open(a).Manifest.ToJson()["final"]!;
        Assert.Equal(recorded["test_error"]!.GetValue<double>(), json["test_error"]![0]!.GetValue<double>());
        Assert.Equal(whole.Curve.Points[1].EnsembleWithStartError, json["ensemble_with_start_error"]![1]!.GetValue<double>());
        Assert.InRange(json["test_error"]![2]!.GetValue<double>(), 3, 30);
    }

    [Fact]
    public void Two_plane_shards_merged_equal_one_unsharded_run_and_mismatches_are_refused()
    {
        string[] runs = [Train("a", 1), Train("b", 2), Train("c", 3)];
        var whole = PlaneRecipe.Run(Plane(runs, Dir["whole"], Shard.All));
        PlaneRecipe.Run(Plane(runs, Dir["parts/0"], new Shard(0, 2)));
        var second = PlaneRecipe.Run(Plane(runs, Dir["parts/1"], new Shard(1, 2)));
        Assert.Equal([1, 3, 5, 7], second.Cells.Select(c => c.Index));

        var e = Assert.Throws<IsthmusException>(() => MergeRecipe.Run(new MergeSettings { Parts = [Dir["parts/0"], Dir["parts/1"]] }));
        Assert.Contains("pass --out", e.Message); // three train runs: no run of their own to write into
        var merged = MergeRecipe.Run(new MergeSettings { Parts = [Dir["parts/0"], Dir["parts/1"]], Out = Dir["merged"] });
        Figures.Draw(merged);
        var (expected, got) = (Timeless(Path.Combine(whole.Folder, PlaneRecipe.PlaneJson)), Timeless(Path.Combine(merged.Folder, PlaneRecipe.PlaneJson)));
        Assert.True(JsonNode.DeepEquals(expected, got), $"plane.json differs:\n{expected}\n---\n{got}");
        Assert.Equal(whole.Surface!.TestError[1, 1], got["test_error"]![1]![1]!.GetValue<double>());
        Assert.True(File.Exists(Path.Combine(merged.Folder, PlaneRecipe.LossPng)));
        Assert.True(File.Exists(Path.Combine(merged.Folder, PlaneRecipe.ErrorPng)));
        var manifest = RunDirectory.Open(merged.Folder).Manifest.ToJson();
        Assert.Equal("plane", manifest["command"]!.GetValue<string>());
        Assert.Equal("complete", manifest["status"]!.GetValue<string>());
        Assert.Equal(2, manifest["merged_from"]!.AsArray().Count);

        e = Assert.Throws<IsthmusException>(() => MergeRecipe.Run(new MergeSettings { Parts = [Dir["parts/1"]], Out = Dir["m2"] }));
        Assert.Contains("Shard 0 of 2 is missing", e.Message);
        e = Assert.Throws<IsthmusException>(() => MergeRecipe.Run(new MergeSettings { Parts = [Dir["parts/0"], Dir["parts/0"]], Out = Dir["m3"] }));
        Assert.Contains("both shard 0/2", e.Message);
        PlaneRecipe.Run(Plane([runs[0], runs[2], runs[1]], Dir["other/1"], new Shard(1, 2)));
        e = Assert.Throws<IsthmusException>(() => MergeRecipe.Run(new MergeSettings { Parts = [Dir["parts/0"], Dir["other/1"]], Out = Dir["m4"] }));
        Assert.Contains("shards of different evaluations: their weights_sha256[1] differ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
