namespace Isthmus.Tests.Curves;

/// <summary><c>connect</c> end to end on a tiny problem: it lowers the midpoint's loss, keeps endpoints, resumes exactly, refuses mismatched pairs.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class ConnectRecipeTests(TinyProblem problem) : IClassFixture<TinyProblem>
{
    private ConnectSettings Settings(string name, string curve = "bezier") => new()
    {
        From = problem.A, To = problem.B, Out = problem.Folder(name), Curve = curve,
        Epochs = 2, BatchSize = 32, Lr = 0.05, Seed = 5,
    };

    private ConnectOutcome Connect(ConnectSettings s, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default, Action<string>? log = null) =>
        problem.InSession(session => ConnectRecipe.Run(s, session, progress, log, ct));

    private double MidpointTrainNll(string curveRun)
    {
        using var session = Session.ForData(problem.Data);
        var run = CurveRun.Open(curveRun);
        using var net = session.Load(run);
        new CurveSampler(run.Family).MoveTo(net.Space, 0.5);
        return Evaluator.Evaluate(net, BatchSources.TrainingForEvaluation(problem.Data)).Nll;
    }

    private static Dictionary<string, Tensor> Tensors(string path)
    {
        using var file = Safetensors.Load(path);
        return file.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }

    [Fact]
    public void Training_a_bezier_curve_lowers_the_midpoint_loss_below_the_segments_and_leaves_the_endpoints_untouched()
    {
        var segment = Connect(Settings("segment", curve: "segment"));
        var bezier = Connect(Settings("bezier") with { Epochs = 10 });
        double segmentNll = MidpointTrainNll(segment.RunPath);
        double bezierNll = MidpointTrainNll(bezier.RunPath);
        Assert.True(bezierNll < 0.8 * segmentNll, $"midpoint NLL: bezier {bezierNll:F4}, segment {segmentNll:F4}");
        Assert.Equal(10, bezier.Epochs.Count);
        Assert.Empty(segment.Epochs);

        var curve = Tensors(Path.Combine(bezier.RunPath, CurveRun.CurveFile));
        foreach (var (k, endpoint) in new[] { (0, problem.A), (2, problem.B) })
            foreach (var (name, t) in Tensors(Path.Combine(endpoint, TrainedRun.ModelFile)).Where(kv => kv.Key.Contains("weight") || kv.Key.Contains("bias")))
                Assert.True(Close.Identical(t, curve[SpaceFile.ControlName(k, name)]), $"control point {k} '{name}' moved");
    }

    [Fact]
    public void A_segment_trains_nothing_and_writes_a_curve_folder_eval_curve_can_read()
    {
        var outcome = Connect(Settings("segment-only", curve: "segment"));
        var run = CurveRun.Open(outcome.RunPath);
        Assert.Equal("segment", run.Family.Name);
        Assert.Equal(2, run.Family.ControlPoints);
        Assert.Equal(1e-4, run.WeightDecay); // from the start run
        var m = run.Run.Manifest.ToJson();
        Assert.Equal(0, m["hyperparameters"]!["epochs"]!.GetValue<int>());
        Assert.Equal(new[] { "start", "end" }, m["space"]!["control_points"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.True(m["space"]!["control_points"]![0]!["fixed"]!.GetValue<bool>());
        Assert.Equal(Path.GetFullPath(problem.A), m["endpoints"]!["start"]!["run"]!.GetValue<string>());
        Assert.NotNull(m["endpoints"]!["end"]!["test_error"]);
        Assert.False(File.Exists(Path.Combine(outcome.RunPath, ResumeState.File)));
    }

    [Fact]
    public void A_resumed_connect_equals_an_uninterrupted_one_bit_for_bit()
    {
        var whole = Connect(Settings("whole") with { Curve = "polychain", Bends = 2 });

        var interrupted = Settings("interrupted") with { Curve = "polychain", Bends = 2 };
        using var cancel = new CancellationTokenSource();
        var stopAfterFirstEpoch = new SyncProgress<TrainingProgress>(p => { if (p.Batch == 0 && p.Last?.Epoch == 1) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Connect(interrupted, stopAfterFirstEpoch, cancel.Token));
        Assert.Equal("running", RunDirectory.Open(interrupted.Out).Status);
        var messages = new List<string>();
        var resumed = Connect(interrupted with { Resume = true }, log: messages.Add);

        Assert.Contains(messages, m => m.Contains("after epoch 1 of 2"));
        Assert.Equal(2, resumed.Epochs.Count);
        var expected = Tensors(Path.Combine(whole.RunPath, CurveRun.CurveFile));
        var actual = Tensors(Path.Combine(resumed.RunPath, CurveRun.CurveFile));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, t) in expected) Assert.True(Close.Identical(t, actual[name]), $"'{name}' differs after resuming");
        string Metrics(string run) => string.Join("\n", File.ReadAllLines(Path.Combine(run, MetricsCsv.File)).Select(l => l[..l.LastIndexOf(',')]));
        Assert.Equal(Metrics(whole.RunPath), Metrics(resumed.RunPath));
    }

    [Fact]
    public void Free_endpoints_move_and_their_names_say_so_in_the_manifest()
    {
        var outcome = Connect(Settings("free") with { FreeStart = true, Epochs = 1 });
        var curve = Tensors(Path.Combine(outcome.RunPath, CurveRun.CurveFile));
        var start = Tensors(Path.Combine(problem.A, TrainedRun.ModelFile));
        Assert.False(Close.Identical(start["layers.0.weight"], curve[SpaceFile.ControlName(0, "layers.0.weight")]));
        var points = RunDirectory.Open(outcome.RunPath).Manifest.ToJson()["space"]!["control_points"]!.AsArray();
        Assert.False(points[0]!["fixed"]!.GetValue<bool>());
        Assert.True(points[2]!["fixed"]!.GetValue<bool>());
    }

    /// <summary>Connecting <see cref="TinyProblem.A"/> to <paramref name="to"/> into folder <paramref name="name"/> is refused, naming both runs.</summary>
    private IsthmusException RefusedPair(string name, string to)
    {
        var e = Assert.Throws<IsthmusException>(() => Connect(Settings(name) with { To = to }));
        Assert.Contains(Path.GetFullPath(problem.A), e.Message);
        Assert.Contains(Path.GetFullPath(to), e.Message);
        return e;
    }

    [Fact]
    public void Endpoints_of_different_architectures_are_refused_naming_both_runs()
    {
        var e = RefusedPair("mismatch-model", problem.Narrow);
        Assert.Contains("widths=16", e.Message);
        Assert.False(Directory.Exists(problem.Folder("mismatch-model")), "a refused pair must leave no run folder behind");
    }

    [Fact]
    public void Endpoints_trained_on_different_data_are_refused_naming_both_runs() =>
        Assert.Contains("tiny-other", RefusedPair("mismatch-data", problem.OtherData).Message);

    [Fact]
    public void An_existing_output_folder_is_refused_without_force()
    {
        var s = Settings("twice", curve: "segment");
        Connect(s);
        Assert.Throws<IsthmusException>(() => Connect(s));
        Assert.False(Connect(s with { Force = true }).AlreadyComplete);
        Assert.True(Connect(s with { Resume = true }).AlreadyComplete);
    }
}
