namespace Isthmus.Tests.Fge;

/// <summary><c>compare</c> end to end on the tiny generated problem: runs, reuse, scores, files, resume.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class CompareRecipeTests : IDisposable
{
    private readonly Isthmus.Data.DataBundle _data = TinyProblem.Images("tiny", seed: 1);
    private readonly TempFolder _folder = new();

    // 512 examples / 32 = 16 minibatches per epoch; B = 4, E0 = round(3.2) = 3; FGE cycles 1 epoch per budget with
    // the default cycle of a quarter of it (c = 4): 4 members per FGE run. SSE: 2 snapshots per run.
    private CompareSettings Settings(string name) => new()
    {
        Data = "tiny", Model = TinyProblem.Model, Out = _folder[name], Budget = 4, Ks = [1, 2], Seeds = [1], BatchSize = 32,
        SseSnapshots = 2, TrajectoryPoints = 2,
    };

    private CompareOutcome Compare(CompareSettings s, Action<string>? log = null, IProgress<Isthmus.Training.TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        using var session = Session.ForData(_data);
        var outcome = CompareRecipe.Run(s, session, progress, log, ct);
        Figures.Draw(outcome);
        return outcome;
    }

    [Fact]
    public void Every_ensemble_scores_as_ensemble_members_would_from_runs_trained_once()
    {
        var s = Settings("cmp");
        var outcome = Compare(s);
        Assert.Equal(new[] { ("ind", 1, 1), ("sse", 1, 2), ("fge", 1, 4), ("ind", 2, 2), ("sse", 2, 4), ("fge", 2, 8) },
            outcome.Rows.Select(r => (r.Method, r.K, r.Members)));
        Assert.All(new[] { "ind-s1-r1", "fge-s1-r1", "sse-s1-r1", "ind-s1-r2", "fge-s1-r2", "sse-s1-r2" },
            name => Assert.Equal("complete", RunDirectory.Open(Path.Combine(s.Out, name)).Status));
        var fgeStart = RunDirectory.Open(Path.Combine(s.Out, "fge-s1-r2")).Manifest.ToJson()["start"]!["file"]!.GetValue<string>();
        Assert.Equal(Path.Combine(s.Out, "ind-s1-r2", "checkpoint-3.safetensors"), fgeStart); // pre-training shared with Ind

        // The single model is the Ind run itself; every ensemble equals `ensemble --members` over the same folders.
        var single = RunDirectory.Open(Path.Combine(s.Out, "ind-s1-r1")).Manifest.ToJson()["final"]!["test_error"]!.GetValue<double>();
        Assert.Equal(single, outcome.Rows[0].Error.Mean, 9);
        using var session = Session.ForData(_data);
        foreach (var (method, folders) in new[] { ("ind", new[] { "ind-s1-r1", "ind-s1-r2" }), ("sse", new[] { "sse-s1-r1", "sse-s1-r2" }), ("fge", new[] { "fge-s1-r1", "fge-s1-r2" }) })
        {
            var direct = EnsembleRecipe.Evaluate(Members.Resolve(folders.Select(f => Path.Combine(s.Out, f))), session);
            var row = outcome.Rows.Single(r => r.Method == method && r.K == 2);
            Assert.Equal((direct.Ensemble.Error, direct.Ensemble.Nll, direct.Disagreement), (row.Error.Mean, row.Nll.Mean, row.Disagreement.Mean));
            Assert.Null(row.Error.Std); // one seed
        }

        foreach (var file in new[] { CompareResults.JsonFile, CompareResults.CsvFile, CompareResults.TrajectoryPng, CompareResults.TimePng })
            Assert.True(File.Exists(Path.Combine(s.Out, file)), file);
        Assert.Equal(7, File.ReadAllLines(Path.Combine(s.Out, CompareResults.CsvFile)).Length);
        var json = Json.ReadObject(Path.Combine(s.Out, CompareResults.JsonFile));
        Assert.Equal(8, json["ensemble_vs_epochs"]!["fge"]!.AsArray().Count);
        Assert.Equal(3.125, json["ensemble_vs_epochs"]!["fge"]![0]!["epoch"]!.GetValue<double>(), 9); // E0 + c/2 = 3 + 2/16 epochs
        Assert.Equal(2, json["diversity"]!["summary"]!["fge"]!["disagreement"]!["per_seed"]!.AsArray().Count); // one per FGE run
        Assert.NotEmpty(MemberTraining.ReadPoints(RunDirectory.Open(Path.Combine(s.Out, "fge-s1-r1"))));
        Assert.Equal("complete", RunDirectory.Open(s.Out).Status);
    }

    [Fact]
    public void An_interrupted_comparison_resumes_to_the_same_table_and_a_finished_one_is_not_run_again()
    {
        var whole = Compare(Settings("whole"));
        var s = Settings("interrupted");
        using var cancel = new CancellationTokenSource();
        bool inSse = false; // stop sse-s1-r1, the third run, after its first epoch
        var stopAfterOneSseEpoch = new SyncProgress<Isthmus.Training.TrainingProgress>(p => { if (inSse && p.Batch == 0 && p.Last?.Epoch == 1) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Compare(s, log: m => inSse |= m.StartsWith("[3/6]", StringComparison.Ordinal), progress: stopAfterOneSseEpoch, ct: cancel.Token));
        Assert.Equal("running", RunDirectory.Open(s.Out).Status);
        Assert.Contains("already exists", Assert.Throws<IsthmusException>(() => Compare(s)).Message);

        var messages = new List<string>();
        var resumed = Compare(new CompareSettings { Data = "", Out = s.Out, Resume = true }, log: messages.Add);
        Assert.Equal(whole.Rows.Select(r => r.ToJson().ToJsonString()), resumed.Rows.Select(r => r.ToJson().ToJsonString()));
        Assert.Contains(messages, m => m.Contains("sse-s1-r1 after epoch 1 of 4", StringComparison.Ordinal)); // continued, not restarted
        Assert.DoesNotContain(messages, m => m.Contains("ind-s1-r1 after", StringComparison.Ordinal));       // finished runs are skipped

        var again = Compare(new CompareSettings { Data = "", Out = s.Out, Resume = true });
        Assert.True(again.AlreadyComplete);
        Assert.Equal(whole.Rows.Select(r => r.ToJson().ToJsonString()), again.Rows.Select(r => r.ToJson().ToJsonString()));
    }

    [Fact]
    public void One_run_at_1b_is_exactly_the_paper_protocol_at_1b_so_its_prefixes_are_true_runs()
    {
        var paper = Compare(Settings("paper"));
        var oneRun = Compare(Settings("one-run") with { Protocol = ComparePlan.OneRun }); // M = 2 divides B·n = 64: one SSE run
        Assert.True(Directory.Exists(Path.Combine(_folder["one-run"], "sse-s1")));
        string Row(CompareOutcome o, string method, int k) => o.Rows.Single(r => r.Method == method && r.K == k).ToJson().ToJsonString();
        foreach (var method in new[] { "ind", "sse", "fge" }) Assert.Equal(Row(paper, method, 1), Row(oneRun, method, 1));
        Assert.Equal(Row(paper, "ind", 2), Row(oneRun, "ind", 2));
        Assert.Equal(20, oneRun.Rows.Single(r => r.Method == "fge" && r.K == 2).Members); // one FGE run cycles 2B − E0 = 5 epochs: 4 members each
        Assert.Equal(4, oneRun.Rows.Single(r => r.Method == "sse" && r.K == 2).Members);  // one SSE run of 2M = 4 cycles
    }

    [Fact]
    public void Reuse_from_another_comparison_copies_only_the_runs_that_are_the_same_and_trains_the_rest()
    {
        var first = Compare(Settings("first"));
        var messages = new List<string>();
        var second = Compare(Settings("second") with { FgeLr1 = 0.02, ReuseFrom = _folder["first"] }, log: messages.Add);
        Assert.Equal(4, messages.Count(m => m.StartsWith("Reusing", StringComparison.Ordinal))); // ind and sse, both runs
        Assert.Equal(2, messages.Count(m => m.Contains("other settings", StringComparison.Ordinal))); // the FGE runs
        foreach (var method in new[] { "ind", "sse" })
            Assert.Equal(first.Rows.Where(r => r.Method == method).Select(r => r.Error.Mean), second.Rows.Where(r => r.Method == method).Select(r => r.Error.Mean));
        Assert.NotEqual(first.Rows.Where(r => r.Method == "fge").Select(r => r.Nll.Mean), second.Rows.Where(r => r.Method == "fge").Select(r => r.Nll.Mean));
        Assert.Equal(4, second.Result["reused_from"]!["runs"]!.AsArray().Count);

        // Reusing everything gives the first comparison's table exactly, without training.
        var third = Compare(Settings("third") with { ReuseFrom = _folder["first"] });
        Assert.Equal(first.Rows.Select(r => r.ToJson().ToJsonString()), third.Rows.Select(r => r.ToJson().ToJsonString()));
        Assert.Equal(6, third.Result["reused_from"]!["runs"]!.AsArray().Count);
    }

    public void Dispose()
    {
        _data.Dispose();
        _folder.Dispose();
    }
}
