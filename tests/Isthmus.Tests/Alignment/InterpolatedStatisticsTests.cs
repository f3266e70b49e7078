namespace Isthmus.Tests.Alignment;

/// <summary>Without correction, a point between two batch-norm networks gets their running statistics interpolated like their weights.</summary>
public class InterpolatedStatisticsTests
{
    [Fact]
    public void Each_point_gets_the_interpolation_of_the_endpoints_statistics()
    {
        using var dir = new TempFolder();
        var spec = AlignmentFixtures.Spec("convfc", "width_factor=0.25;bn=true");
        var files = new[] { dir["a.safetensors"], dir["b.safetensors"] };
        var stats = new List<Dictionary<string, Tensor>>();
        for (int k = 0; k < 2; k++)
        {
            using var end = AlignmentFixtures.Random(spec, seed: 10 + k);
            Checkpoint.Save(files[k], end);
            stats.Add(end.Buffers.All.Where(b => b.Tensor.is_floating_point()).ToDictionary(b => b.Name, b => b.Tensor.clone()));
        }
        using var net = AlignmentFixtures.Random(spec, seed: 1, controlPoints: 2);
        for (int k = 0; k < 2; k++) Checkpoint.Load(files[k], net, k);
        using var interpolated = InterpolatedStatistics.Load(net, files);
        using var data = AlignmentFixtures.Images(3, train: 128);
        var evaluator = new PointEvaluator(BatchSources.TrainingForEvaluation(data), BatchSources.Evaluation(data), 0) { Interpolated = interpolated };
        Assert.False(evaluator.CanStack(net));
        Assert.Equal("none (running statistics interpolated)", evaluator.CorrectionOf(net));

        const double t = 0.3;
        net.Space.MoveTo([1 - t, t]);
        evaluator.Evaluate(net);
        foreach (var (name, tensor) in net.Buffers.All.Where(b => b.Tensor.is_floating_point()))
        {
            using var want = stats[0][name] * (1 - t) + stats[1][name] * t;
            Assert.True(tensor.allclose(want, 1e-6, 1e-6), name);
        }
        // At an endpoint the network is that endpoint, statistics included: its own logits.
        net.Space.MoveTo([0.0, 1.0]);
        var atB = evaluator.Evaluate(net);
        using var b = AlignmentFixtures.Random(spec, seed: 11);
        Checkpoint.Load(files[1], b);
        var alone = new PointEvaluator(BatchSources.TrainingForEvaluation(data), BatchSources.Evaluation(data), 0);
        using (no_grad())
        {
            b.Training = false;
            Assert.Equal(Evaluator.Evaluate(b, BatchSources.Evaluation(data)).Nll, atB.Test.Nll, 5);
        }
        Assert.NotEqual(alone.Evaluate(b).Test.Nll, atB.Test.Nll, 5); // recomputing the statistics would have changed it
    }

    [Fact]
    public void No_correction_goes_with_a_segment_and_without_repair()
    {
        foreach (var settings in new[]
        {
            new EvalCurveSettings { Run = "runs/curve", NoCorrection = true },
            new EvalCurveSettings { Segment = ["runs/a", "runs/b"], NoCorrection = true, Repair = true, Out = "runs/s" },
        })
        {
            var e = Assert.Throws<IsthmusException>(() => EvalCurveRecipe.Run(settings));
            Assert.Contains("--no-correction goes with --segment", e.Message);
        }
    }
}
