namespace Isthmus.Tests.Sets;

/// <summary><c>connect-set</c> and <c>eval-set</c> end to end on the tiny problem's three modes.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class ConnectSetRecipeTests(TinyProblem problem) : IClassFixture<TinyProblem>
{
    private ConnectSetSettings Settings(string name, string shape = "star") => new()
    {
        Modes = [problem.A, problem.B, problem.C], Out = problem.Folder(name), Shape = shape,
        Epochs = 2, BatchSize = 32, Lr = 0.05, Seed = 5,
    };

    private ConnectSetOutcome Connect(ConnectSetSettings s, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default, Action<string>? log = null) =>
        problem.InSession(session => ConnectSetRecipe.Run(s, session, progress, log, ct));

    private EvalSetOutcome Evaluate(EvalSetSettings s) => problem.Drawn(session => EvalSetRecipe.Run(s, session));

    [Fact]
    public void A_star_trains_its_connector_keeps_the_modes_bit_for_bit_and_describes_its_simplices()
    {
        var outcome = Connect(Settings("star"));
        Assert.Equal(2, outcome.Epochs.Count);
        Assert.Equal(3, outcome.Simplices);

        var set = Tensors.ReadAll(Path.Combine(outcome.RunPath, SetRun.SetFile));
        string[] modes = [problem.A, problem.B, problem.C];
        for (int k = 0; k < 3; k++)
            foreach (var (name, t) in Tensors.ReadAll(Path.Combine(modes[k], TrainedRun.ModelFile)))
                Assert.True(Close.Identical(t, set[SpaceFile.ControlName(k, name)]), $"mode {k + 1} '{name}' moved");
        // The connector left the centroid it started at.
        using var centroid = (set[SpaceFile.ControlName(0, "layers.0.weight")] + set[SpaceFile.ControlName(1, "layers.0.weight")] + set[SpaceFile.ControlName(2, "layers.0.weight")]) / 3;
        Assert.False(centroid.allclose(set[SpaceFile.ControlName(3, "layers.0.weight")], rtol: 1e-3, atol: 1e-4));

        var run = SetRun.Open(outcome.RunPath);
        Assert.Equal([[0, 3], [1, 3], [2, 3]], run.Complex.Simplices.Select(s => s.ToArray()));
        Assert.Equal(1e-4, run.WeightDecay); // from the first mode
        var points = run.Run.Manifest.ToJson()["space"]!["control_points"]!.AsArray();
        Assert.Equal(["mode.1", "mode.2", "mode.3", "connector.1"], points.Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal([true, true, true, false], points.Select(p => p!["fixed"]!.GetValue<bool>()));
        Assert.Equal(Path.GetFullPath(problem.B), points[1]!["source"]!.GetValue<string>());
        Assert.InRange(run.Run.Manifest.ToJson()["connectors"]![0]!["test_error"]!.GetValue<double>(), 0, 100);
        Assert.False(File.Exists(Path.Combine(outcome.RunPath, ResumeState.File)));
    }

    [Fact]
    public void A_resumed_connect_set_equals_an_uninterrupted_one_bit_for_bit()
    {
        var whole = Connect(Settings("whole", "complex"));
        var interrupted = Settings("interrupted", "complex");
        using var cancel = new CancellationTokenSource();
        var stopAfterFirstEpoch = new SyncProgress<TrainingProgress>(p => { if (p.Batch == 0 && p.Last?.Epoch == 1) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Connect(interrupted, stopAfterFirstEpoch, cancel.Token));
        var messages = new List<string>();
        var resumed = Connect(new ConnectSetSettings { Out = interrupted.Out, Resume = true }, log: messages.Add);

        Assert.Contains(messages, m => m.Contains("after epoch 1 of 2"));
        var expected = Tensors.ReadAll(Path.Combine(whole.RunPath, SetRun.SetFile));
        var actual = Tensors.ReadAll(Path.Combine(resumed.RunPath, SetRun.SetFile));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, t) in expected) Assert.True(Close.Identical(t, actual[name]), $"'{name}' differs after resuming");
        Assert.True(Connect(interrupted with { Resume = true }).AlreadyComplete);
    }

    [Fact]
    public void The_volume_term_grows_the_triangles_of_a_complex()
    {
        double TotalArea(string run)
        {
            using var session = Session.ForData(problem.Data);
            var set = SetRun.Open(run);
            using var net = session.Load(set);
            using var space = net.Space;
            var gram = ControlGram.Of(space);
            return set.Complex.Simplices.Sum(s => SimplexVolume.Of(gram, s));
        }
        // Two epochs at the full rate: with the standard schedule the second of two epochs runs at 1 % of it.
        var plain = Connect(Settings("plain", "complex") with { Schedule = "constant" });
        var grown = Connect(Settings("grown", "complex") with { VolumeWeight = 2, SampleBy = "volume", Schedule = "constant" });
        var space = RunDirectory.Open(grown.RunPath).Manifest.ToJson()["space"]!;
        Assert.Equal(2, space["volume_weight"]!.GetValue<double>());
        Assert.Equal("volume", space["sample_by"]!.GetValue<string>());
        double before = TotalArea(plain.RunPath), after = TotalArea(grown.RunPath);
        Assert.True(after > 1.1 * before, $"total area of the triangles: {after:F4} with the volume term, {before:F4} without");
    }

    [Fact]
    public void Modes_of_different_architectures_are_refused_naming_both_runs_and_leaving_no_folder()
    {
        var s = Settings("mismatch") with { Modes = [problem.A, problem.B, problem.Narrow] };
        var e = Assert.Throws<IsthmusException>(() => Connect(s));
        Assert.Contains(Path.GetFullPath(problem.A), e.Message);
        Assert.Contains(Path.GetFullPath(problem.Narrow), e.Message);
        Assert.Contains("widths=16", e.Message);
        Assert.False(Directory.Exists(s.Out));
        var data = Assert.Throws<IsthmusException>(() => Connect(s with { Modes = [problem.A, problem.OtherData] }));
        Assert.Contains("tiny-other", data.Message);
        var twice = Assert.Throws<IsthmusException>(() => Connect(s with { Modes = [problem.A, problem.A] }));
        Assert.Contains("twice", twice.Message);
        var many = Assert.Throws<IsthmusException>(() => Connect(s with { Modes = [problem.A, problem.B], Connectors = 3 }));
        Assert.Contains("--connectors", many.Message);
    }

    [Fact]
    public void Eval_set_of_a_set_file_that_does_not_fit_its_network_leaves_no_folder()
    {
        var set = Connect(Settings("damaged") with { Epochs = 1 });
        var file = Path.Combine(set.RunPath, SetRun.SetFile);
        var kept = Tensors.ReadAll(file).Where(kv => kv.Key != SpaceFile.ControlName(3, "layers.0.weight")).Select(kv => (kv.Key, kv.Value)).ToList();
        Safetensors.Save(file, kept);
        var output = problem.Folder("damaged-eval");
        var e = Assert.Throws<IsthmusException>(() => Evaluate(new EvalSetSettings { Run = set.RunPath, Out = output, Samples = 2, SegmentPoints = 2, Grid = 0 }));
        Assert.Contains("lacks 'control.3.layers.0.weight'", e.Message);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Eval_set_scores_vertices_samples_segments_and_slices_and_its_vertices_reproduce_the_modes()
    {
        var set = Connect(Settings("evaluated"));
        var outcome = Evaluate(new EvalSetSettings { Run = set.RunPath, Samples = 7, SegmentPoints = 3, Grid = 3, Slices = 2 });
        var e = outcome.Evaluation;
        Assert.Equal(4, e.Vertices.Count);
        Assert.Equal(7, e.Samples.Count);
        Assert.Equal(3, e.Segments.Count);
        Assert.Equal(2, e.Slices.Count);
        string[] modes = [problem.A, problem.B, problem.C];
        for (int k = 0; k < 3; k++)
        {
            var final = RunDirectory.Open(modes[k]).Manifest.ToJson()["final"]!;
            Assert.Equal(final["test_error"]!.GetValue<double>(), e.Vertices[k].Metrics.Test.Error, 9);
            Assert.Equal(final["train_loss"]!.GetValue<double>(), e.Vertices[k].Metrics.TrainLoss, 6);
            // A segment's ends are its modes.
        }
        Assert.Equal(e.Vertices[0].Metrics.Test.Error, e.Segments[0].Curve.Points[0].Metrics.Test.Error, 9);
        Assert.Equal(e.Vertices[1].Metrics.Test.Error, e.Segments[0].Curve.Points[^1].Metrics.Test.Error, 9);
        Assert.All(e.Samples, p => Assert.Equal(1.0, p.Weights.Sum(), 9));

        var json = Json.ReadObject(Path.Combine(set.RunPath, EvalSetRecipe.SubspaceJson));
        Assert.Equal(7, json["points"]!.AsArray().Count);
        Assert.Equal(e.Samples.Max(p => p.Scored.Metrics.Test.Error), json["stats"]!["test_error"]!["max"]!.GetValue<double>(), 9);
        Assert.Equal(e.Vertices.Take(3).Max(v => v.Metrics.Test.Error), json["comparison"]!["worst_mode_test_error"]!.GetValue<double>(), 9);
        Assert.Equal(["mode.1", "mode.2"], json["segments"]![0]!["modes"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotNull(json["segments"]![0]!["barrier"]!["test_error"]!["max"]);
        Assert.NotNull(json["segments_stats"]!["train_loss"]!["mean"]);
        foreach (var file in json["slices"]!.AsArray().SelectMany(s => s!["files"]!.AsArray()))
            Assert.True(new FileInfo(Path.Combine(set.RunPath, file!.GetValue<string>())).Length > 1000, $"{file} was not drawn");
        Assert.Equal(8, File.ReadAllLines(Path.Combine(set.RunPath, EvalSetRecipe.SubspaceCsv)).Length); // header + 7 points
        Assert.Equal("complete", RunDirectory.Open(set.RunPath).Status);
    }
}
