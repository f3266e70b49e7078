namespace Isthmus.Tests.Ensembles;

/// <summary><c>ensemble</c> end to end on the tiny problem: members reproduce their runs, files and keys, curve points, refusals.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class EnsembleRecipeTests(TinyProblem problem) : IClassFixture<TinyProblem>
{
    private EnsembleOutcome Run(EnsembleSettings s) => problem.Drawn(session => EnsembleRecipe.Run(s, session));

    [Fact]
    public void Two_runs_make_an_ensemble_whose_files_hold_every_promised_key()
    {
        var outcome = Run(new EnsembleSettings { Members = [problem.A, problem.B], Out = problem.Folder("ens-ab") });
        var e = outcome.Evaluation;
        Assert.Equal(2, e.Members.Count);
        foreach (var (member, run) in e.Members.Zip(new[] { problem.A, problem.B }))
            Assert.Equal(TrainedRun.Open(run).Final!.TestError!.Value, member.Score.Error, 9); // each member = its own run
        Assert.True(e.Ensemble.Nll <= e.MeanMemberNll);        // Jensen: -log of a mean ≤ mean of -logs
        Assert.Equal(2, e.FirstK.Count);
        Assert.Single(e.Distances);
        Assert.NotNull(e.Average);
        var json = Json.ReadObject(Path.Combine(outcome.Folder, EnsembleResults.JsonFile));
        foreach (var key in new[] { "members", "ensemble", "disagreement", "distances", "first_k", "average", "temperature_scaling", "bn_recomputed" })
            Assert.True(json.ContainsKey(key), key);
        foreach (var key in new[] { "error", "nll", "ece", "brier" }) Assert.NotNull(json["ensemble"]![key]);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outcome.Folder, EnsembleResults.CsvFile)).Length);
        Assert.True(new FileInfo(Path.Combine(outcome.Folder, EnsembleResults.PngFile)).Length > 1000);
        Assert.Equal("complete", RunDirectory.Open(outcome.Folder).Status);
        var again = Assert.Throws<IsthmusException>(() => Run(new EnsembleSettings { Members = [problem.A, problem.B], Out = problem.Folder("ens-ab") }));
        Assert.Contains("--force", again.Message);
    }

    [Fact]
    public void The_distance_between_members_is_the_norm_of_their_weight_difference()
    {
        using var session = Session.ForData(problem.Data);
        var e = EnsembleRecipe.Evaluate(Members.Resolve([problem.A, problem.B]), session, new EnsembleOptions { Average = false });
        using var a = Safetensors.Load(Path.Combine(problem.A, "model.safetensors"));
        using var b = Safetensors.Load(Path.Combine(problem.B, "model.safetensors"));
        double squared = a.Tensors.Sum(kv => kv.Value.sub(b.Tensors[kv.Key]).to_type(TorchSharp.torch.ScalarType.Float64).square().sum().item<double>());
        Assert.Equal(Math.Sqrt(squared), e.Distances[0], 4);
        Assert.Null(e.Average);
    }

    [Fact]
    public void Temperature_scaling_fits_one_temperature_per_member_on_the_held_out_examples()
    {
        using var session = Session.ForData(problem.Data);
        var e = EnsembleRecipe.Evaluate(Members.Resolve([problem.A, problem.B]), session, new EnsembleOptions { TemperatureScale = true, HeldOut = 128 });
        Assert.All(e.Members, m => Assert.InRange(m.Score.Temperature!.Value, TemperatureScaling.MinTemperature, TemperatureScaling.MaxTemperature));
        Assert.All(e.Members, m => Assert.Equal(m.Score.ScaledNll!.Value, m.Own.Nll, 9));
        Assert.True(e.TemperatureScaling!.SeenInTraining);                 // the tiny runs trained on all 512 examples
        Assert.Contains("last 128 training examples", e.TemperatureScaling.Description);
        Assert.NotNull(e.Average!.Temperature);
    }

    /// <summary>A one-epoch curve with one bend between the problem's two runs.</summary>
    private ConnectOutcome Connect(Session session, string folder, string family, int seed) =>
        ConnectRecipe.Run(new ConnectSettings
        {
            From = problem.A, To = problem.B, Out = problem.Folder(folder), Curve = family, Bends = 1,
            Epochs = 1, BatchSize = 32, Lr = 0.05, Seed = seed,
        }, session);

    [Fact]
    public void Points_of_a_curve_are_members_and_its_endpoints_reproduce_the_runs()
    {
        using var session = Session.ForData(problem.Data);
        var curve = Connect(session, "curve", "polychain", seed: 5);
        var outcome = EnsembleRecipe.Run(new EnsembleSettings { Curve = curve.RunPath, Points = 5, Out = problem.Folder("curve-ens") }, session);
        var e = outcome.Evaluation;
        Assert.Equal(5, e.Members.Count);
        Assert.Equal(TrainedRun.Open(problem.A).Final!.TestError!.Value, e.Members[0].Score.Error, 9);
        Assert.Equal(TrainedRun.Open(problem.B).Final!.TestError!.Value, e.Members[4].Score.Error, 9);
        Assert.Contains("at t = 0.25", e.Members[1].Source);
        Assert.True(e.Compared.ContainsKey("endpoints"));
        Assert.NotNull(outcome.Result["endpoints_ensemble"]);
        Assert.Equal(4, e.Distances.Count);
        var asMembers = Assert.Throws<IsthmusException>(() => Members.Resolve([curve.RunPath]));
        Assert.Contains("--curve", asMembers.Message);
    }

    [Fact]
    public void Points_of_a_curve_scored_several_per_pass_equal_one_at_a_time()
    {
        using var session = Session.ForData(problem.Data);
        var curve = Connect(session, "curve-stacked", "bezier", seed: 6);
        var members = Members.CurvePoints(curve.RunPath, 7); // 4 + 3: a full pass and a partial one
        EnsembleEvaluation Scored(int pointsPerPass) => EnsembleRecipe.Evaluate(members, session, new EnsembleOptions
        {
            TemperatureScale = true, HeldOut = 128, PointsPerPass = pointsPerPass, Compare = new Dictionary<string, IReadOnlyList<int>> { ["endpoints"] = [0, 6] },
        });
        var (one, four) = (Scored(1), Scored(4));
        using (var net = session.Build(TinyProblem.Model, controlPoints: 3, seed: 0))
        using (net.Space)
        {
            var data = BatchSources.Evaluation(problem.Data);
            Assert.Equal(4, new MemberEvaluator(BatchSources.TrainingForEvaluation(problem.Data), data) { PointsPerPass = 4 }.PointsPerPassFor(net));
            Assert.Equal(1, new MemberEvaluator(BatchSources.TrainingForEvaluation(problem.Data), data) { PointsPerPass = 1 }.PointsPerPassFor(net));
        }
        for (int i = 0; i < members.Count; i++)
        {
            var (a, b) = (one.Members[i], four.Members[i]);
            Assert.Equal(a.Source, b.Source);
            Assert.Equal(a.Score.Error, b.Score.Error);
            Assert.Equal(a.Score.Nll, b.Score.Nll, 1e-6);
            Assert.Equal(a.Score.Temperature!.Value, b.Score.Temperature!.Value, 1e-4);
            Assert.Equal(a.Score.ScaledNll!.Value, b.Score.ScaledNll!.Value, 1e-6);
            Assert.Equal(a.Own.Brier, b.Own.Brier, 1e-6);
        }
        Assert.Equal(one.Ensemble.Error, four.Ensemble.Error);
        Assert.Equal(one.Ensemble.Nll, four.Ensemble.Nll, 1e-6);
        Assert.Equal(one.Compared["endpoints"].Nll, four.Compared["endpoints"].Nll, 1e-6);
        Assert.Equal(one.Disagreement, four.Disagreement);
        Assert.All(one.FirstK.Zip(four.FirstK), p => Assert.Equal(p.First.Nll, p.Second.Nll, 1e-6));
        Assert.All(one.Distances.Zip(four.Distances), p => Assert.Equal(p.First, p.Second, 1e-4));
        Assert.Equal(6, four.Distances.Count);
        Assert.Equal(one.Average!.Nll, four.Average!.Nll, 1e-6);
        Assert.NotEqual(four.Members[0].Score.Nll, four.Members[3].Score.Nll); // the points differ: nothing was scored twice by mistake
    }

    [Fact]
    public void Members_and_curve_together_are_refused()
    {
        var ex = Assert.Throws<IsthmusException>(() => Run(new EnsembleSettings { Members = [problem.A], Curve = problem.A, Out = problem.Folder("both") }));
        Assert.Contains("exactly one", ex.Message);
    }
}
