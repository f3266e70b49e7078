namespace Isthmus.Tests.Fge;

/// <summary>A run to start FGE from: the tiny problem's MLP trained 6 epochs (16 batches each) with every checkpoint kept, momentum 0.8, wd 1e-4.</summary>
public sealed class FgeProblem : IDisposable
{
    public static readonly ArchitectureSpec Model = TinyProblem.Model;
    private readonly TempFolder _folder = new();

    public FgeProblem()
    {
        Data = TinyProblem.Images("tiny", seed: 1);
        using var session = Session.ForData(Data);
        Run = TrainRecipe.Run(new TrainSettings
        {
            Data = Data.Name, Model = Model, Out = _folder["base"],
            Epochs = 6, BatchSize = 32, Lr = 0.05, Momentum = 0.8, WeightDecay = 1e-4, Seed = 1, SaveEvery = 1,
        }, session).RunPath;
    }

    public Isthmus.Data.DataBundle Data { get; }
    public string Run { get; }
    public string Folder(string name) => _folder[name];

    public void Dispose()
    {
        Data.Dispose();
        _folder.Dispose();
    }
}

/// <summary><c>fge</c>, <c>sse</c> and <c>eval-chain</c> end to end on the tiny problem.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class MemberRunTests(FgeProblem problem) : IClassFixture<FgeProblem>
{
    // 512 examples / 32 = 16 batches per epoch; --cycle 0.5 → c = 8; 2 epochs = 32 iterations → members at 4, 12, 20, 28.
    private FgeSettings Settings(string name) => new()
    {
        From = problem.Run, StartEpoch = 4, Out = problem.Folder(name), Epochs = 2, Cycle = 0.5, Lr1 = 0.05, Lr2 = 0.001,
    };

    private MemberRunOutcome Fge(FgeSettings s, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default, Action<string>? log = null)
    {
        using var session = Session.ForData(problem.Data);
        return FgeRecipe.Run(s, session, progress, log, ct);
    }

    private static Dictionary<string, Tensor> Tensors(string path)
    {
        using var file = Safetensors.Load(path);
        return file.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }

    [Fact]
    public void Fge_collects_one_member_in_the_middle_of_each_cycle_and_the_folder_holds_only_those_members()
    {
        var outcome = Fge(Settings("fge"));
        Assert.Equal(new long[] { 4, 12, 20, 28 }, outcome.Members.Select(m => m.Iteration));
        Assert.Equal(new[] { 1, 2, 3, 4 }, outcome.Members.Select(m => m.Index));
        Assert.Equal(2, outcome.Epochs.Count);

        var memberLike = Directory.EnumerateFiles(outcome.RunPath).Select(Path.GetFileName).Where(n => n!.Contains("member", StringComparison.OrdinalIgnoreCase)).Order().ToList();
        Assert.Equal(new[] { "member-1.safetensors", "member-2.safetensors", "member-3.safetensors", "member-4.safetensors" }, memberLike);
        Assert.DoesNotContain(Directory.EnumerateFiles(outcome.RunPath), f => Path.GetFileName(f).StartsWith("checkpoint-", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(outcome.RunPath, ResumeState.File)));

        using var session = Session.ForData(problem.Data);
        foreach (var m in outcome.Members)
        {
            using var net = session.Build(FgeProblem.Model, controlPoints: 1, seed: 9);
            Checkpoint.Load(Path.Combine(outcome.RunPath, m.File), net); // a plain network of the architecture
            var names = Tensors(Path.Combine(outcome.RunPath, m.File)).Keys.Order();
            Assert.Equal(net.Layout.Specs.Select(p => p.Name).Order(), names); // PyTorch state-dict names, nothing else
            Assert.NotNull(m.TestError);
            Assert.True(m.DistanceFromStart > 0);
            var evaluated = Isthmus.Evaluation.Evaluator.Evaluate(net, BatchSources.Evaluation(problem.Data));
            Assert.Equal(m.TestError!.Value, evaluated.Error, 6);
        }
    }

    [Fact]
    public void The_manifest_records_the_schedule_and_where_momentum_and_weight_decay_came_from()
    {
        var outcome = Fge(Settings("provenance") with { WeightDecay = 1e-3 });
        var m = RunDirectory.Open(outcome.RunPath).Manifest.ToJson();
        Assert.Equal("complete", m["status"]!.GetValue<string>());
        Assert.Equal(0.8, m["optimizer"]!["momentum"]!["value"]!.GetValue<double>());
        Assert.Equal("run", m["optimizer"]!["momentum"]!["source"]!.GetValue<string>());
        Assert.Equal(1e-3, m["optimizer"]!["wd"]!["value"]!.GetValue<double>());
        Assert.Equal("cli", m["optimizer"]!["wd"]!["source"]!.GetValue<string>());
        Assert.Equal(32, m["optimizer"]!["batch_size"]!["value"]!.GetValue<int>());
        Assert.Equal(8, m["schedule"]!["cycle_iterations"]!.GetValue<long>());
        Assert.Equal(0.05, m["schedule"]!["lr1"]!.GetValue<double>());
        Assert.EndsWith("checkpoint-4.safetensors", m["start"]!["file"]!.GetValue<string>());
        Assert.Equal(4, m["start"]!["epoch"]!.GetValue<int>());
        Assert.Equal(4, m["members"]!.AsArray().Count);
        Assert.Equal(12, m["members"]![1]!["iteration"]!.GetValue<long>());
        Assert.NotNull(m["members"]![1]!["test_nll"]);
    }

    [Fact]
    public void The_trajectory_has_the_rate_of_every_iteration_and_the_error_and_distance_at_each_member()
    {
        var outcome = Fge(Settings("trajectory"));
        var lines = File.ReadAllLines(Path.Combine(outcome.RunPath, MemberTraining.TrajectoryFile));
        Assert.Equal("iteration,epoch,lr,member,test_error,test_nll,distance_from_start", lines[0]);
        Assert.Equal(1 + 1 + 32, lines.Length); // header, the start point, 32 iterations
        var schedule = new FgeSchedule(0.05, 0.001, 8);
        for (int i = 1; i <= 32; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.Equal(i, int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(schedule.Rate(i), double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(schedule.Collects(i), cells[3] != "");
            if (schedule.Collects(i)) Assert.True(double.Parse(cells[6], System.Globalization.CultureInfo.InvariantCulture) > 0);
        }
        Assert.StartsWith("0,0,,0,", lines[1]);
    }

    [Fact]
    public void Trajectory_points_are_scored_after_training_without_changing_the_members()
    {
        var plain = Fge(Settings("no-points"));
        var traced = Fge(Settings("points") with { TrajectoryPoints = 4 }); // c = 8: every 2 iterations, members excepted
        Assert.Equal(plain.Members.Select(m => (m.Iteration, m.TestError, m.DistanceFromStart)), traced.Members.Select(m => (m.Iteration, m.TestError, m.DistanceFromStart)));
        var points = MemberTraining.ReadPoints(RunDirectory.Open(traced.RunPath));
        Assert.Equal(new long[] { 2, 6, 8, 10, 14, 16, 18, 22, 24, 26, 30, 32 }, points.Select(p => p.Iteration));
        Assert.All(points, p => Assert.True(p.DistanceFromStart > 0));
        Assert.False(Directory.Exists(Path.Combine(traced.RunPath, MemberTraining.PointsFolder))); // scored, then dropped
        var rows = File.ReadAllLines(Path.Combine(traced.RunPath, MemberTraining.TrajectoryFile)).Skip(2).Select(l => l.Split(',')).ToList();
        Assert.Equal(points.Select(p => p.TestError.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), rows.Where(r => r[3] == "" && r[4] != "").Select(r => r[4]));
        Assert.Equal(4, rows.Count(r => r[3] != ""));
    }

    [Fact]
    public void Each_member_keeps_its_test_log_probabilities_so_that_its_ensemble_needs_no_second_pass()
    {
        var outcome = Fge(Settings("predictions"));
        var stored = MemberPredictions.Read(outcome.RunPath);
        try
        {
            Assert.Equal(new[] { 1, 2, 3, 4 }, stored.Keys.Order());
            using var session = Session.ForData(problem.Data);
            var direct = EnsembleRecipe.Evaluate(Members.Resolve([outcome.RunPath]), session);
            using var ensemble = new Isthmus.Evaluation.EnsembleAccumulator(problem.Data.Eval!.Labels);
            foreach (var k in stored.Keys.Order()) ensemble.Add(stored[k]);
            var fromFile = ensemble.Score();
            Assert.Equal(direct.Ensemble, fromFile); // bit for bit: the same pass, kept
            Assert.Equal(direct.Members.Select(m => m.Score.Error), outcome.Members.Select(m => m.TestError!.Value));
        }
        finally
        {
            foreach (var t in stored.Values) t.Dispose();
        }
    }

    [Fact]
    public void A_resumed_fge_run_equals_an_uninterrupted_one_bit_for_bit()
    {
        var whole = Fge(Settings("whole"));
        var interrupted = Settings("interrupted");
        using var cancel = new CancellationTokenSource();
        var stopAfterFirstEpoch = new SyncProgress<TrainingProgress>(p => { if (p.Batch == 0 && p.Last?.Epoch == 1) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Fge(interrupted, stopAfterFirstEpoch, cancel.Token));
        Assert.Equal("running", RunDirectory.Open(interrupted.Out).Status);
        Assert.Equal(2, MemberTraining.Read(RunDirectory.Open(interrupted.Out)).Count); // members 1 and 2 stay
        var messages = new List<string>();
        var resumed = Fge(new FgeSettings { Out = interrupted.Out, Resume = true }, log: messages.Add);

        Assert.Contains(messages, m => m.Contains("after epoch 1 of 2"));
        Assert.Equal(whole.Members.Select(m => (m.Iteration, m.TestError, m.TestNll, m.DistanceFromStart)), resumed.Members.Select(m => (m.Iteration, m.TestError, m.TestNll, m.DistanceFromStart)));
        foreach (var m in whole.Members)
        {
            var expected = Tensors(Path.Combine(whole.RunPath, m.File));
            var actual = Tensors(Path.Combine(resumed.RunPath, m.File));
            foreach (var (name, t) in expected) Assert.True(Close.Identical(t, actual[name]), $"{m.File} '{name}' differs after resuming");
        }
        Assert.Equal(File.ReadAllText(Path.Combine(whole.RunPath, MemberTraining.TrajectoryFile)), File.ReadAllText(Path.Combine(resumed.RunPath, MemberTraining.TrajectoryFile)));
    }

    [Fact]
    public void Fge_from_a_safetensors_file_needs_data_and_model_and_takes_default_momentum()
    {
        var file = Path.Combine(problem.Run, TrainedRun.ModelFile);
        var e = Assert.Throws<IsthmusException>(() => Fge(new FgeSettings { From = file, Out = problem.Folder("file-no-model"), Epochs = 1, Cycle = 0.5 }));
        Assert.Contains("--data and --model", e.Message);
        var outcome = Fge(new FgeSettings { From = file, Data = "tiny", Model = FgeProblem.Model, Out = problem.Folder("file"), Epochs = 1, Cycle = 0.5, BatchSize = 32 });
        Assert.Equal(2, outcome.Members.Count);
        var m = RunDirectory.Open(outcome.RunPath).Manifest.ToJson();
        Assert.Equal("default", m["optimizer"]!["momentum"]!["source"]!.GetValue<string>());
        Assert.Equal("cli", m["optimizer"]!["batch_size"]!["source"]!.GetValue<string>());
    }

    [Fact]
    public void A_missing_checkpoint_or_too_short_a_run_is_refused_before_any_folder_is_made()
    {
        var missing = Settings("missing") with { StartEpoch = 9 };
        var e = Assert.Throws<IsthmusException>(() => Fge(missing));
        Assert.Contains("checkpoint-9", e.Message);
        Assert.Contains("1, 2, 3, 4, 5, 6", e.Message);
        var tooShort = Settings("too-short") with { Epochs = 1, Cycle = 4 }; // c = 64, 16 iterations < c/2
        Assert.Contains("no member", Assert.Throws<IsthmusException>(() => Fge(tooShort)).Message);
        Assert.False(Directory.Exists(missing.Out));
        Assert.False(Directory.Exists(tooShort.Out));
    }

    [Fact]
    public void Sse_snapshots_at_the_end_of_each_cosine_cycle_from_a_random_start()
    {
        using var session = Session.ForData(problem.Data);
        var outcome = SseRecipe.Run(new SseSettings
        {
            Data = "tiny", Model = FgeProblem.Model, Out = problem.Folder("sse"), Budget = 4, Snapshots = 2, Lr0 = 0.1, BatchSize = 32,
        }, session);
        Assert.Equal(new long[] { 32, 64 }, outcome.Members.Select(m => m.Iteration));
        Assert.All(outcome.Members, m => Assert.True(m.TestError < outcome.Start!.Error, $"snapshot {m.Index} ({m.TestError}%) no better than the random start ({outcome.Start.Error}%)"));
        var m = RunDirectory.Open(outcome.RunPath).Manifest.ToJson();
        Assert.Equal(32, m["schedule"]!["cycle_iterations"]!.GetValue<long>());
        Assert.Equal("default", m["optimizer"]!["wd"]!["source"]!.GetValue<string>());
        using var net = session.Build(FgeProblem.Model, 1, seed: 3);
        Checkpoint.Load(Path.Combine(outcome.RunPath, "member-2.safetensors"), net);
    }

    [Fact]
    public void Eval_chain_walks_the_polygonal_chain_through_the_members_and_meets_each_member_on_the_grid()
    {
        var fge = Fge(Settings("chain-source"));
        using var session = Session.ForData(problem.Data);
        var outcome = EvalChainRecipe.Run(new EvalChainSettings { Members = fge.RunPath, PointsPerSegment = 2 }, session);
        Figures.Draw(outcome);
        Assert.Equal(4, outcome.Members);
        Assert.Equal(7, outcome.Chain.Points.Count); // 3 segments × 2 + 1
        var json = Json.ReadObject(Path.Combine(fge.RunPath, EvalChainRecipe.ChainJson));
        Assert.Equal("polychain", json["family"]!.GetValue<string>());
        foreach (var key in new[] { "t", "train_loss", "test_error", "stats", "length_ratio", "barrier" }) Assert.NotNull(json[key]);
        Assert.True(File.Exists(Path.Combine(fge.RunPath, EvalChainRecipe.ChainPng)));
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(fge.Members[j].TestError!.Value, outcome.Chain.Points[2 * j].Metrics.Test.Error, 4);
            Assert.Equal(j / 3.0, json["members"]![j]!["t"]!.GetValue<double>(), 9);
        }
        Assert.True(outcome.Chain.LengthRatio >= 1 - 1e-9);
    }
}
