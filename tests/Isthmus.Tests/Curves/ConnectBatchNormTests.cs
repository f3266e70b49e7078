using Isthmus.Tests.Experiments;

namespace Isthmus.Tests.Curves;

/// <summary>
/// A curve between two batch-norm networks reports, per epoch, the midpoint's test metrics with batch norm recomputed
/// for φ(½) from a few training batches, not with statistics gathered at random t.
/// </summary>
public sealed class ConnectBatchNormTests(MnistFixture mnist) : MnistTest(mnist)
{
    [Fact]
    public void The_per_epoch_test_columns_of_a_batch_norm_curve_score_the_midpoint_with_statistics_recomputed_there()
    {
        using var session = Session.Open("mnist", DataRoot, val: 0, threads: 2, device: "cpu", subset: 1000);
        var spec = new ArchitectureSpec("convfc").With("bn", "true").With("width_factor", "0.5");
        var ends = new[] { 1L, 2 }.Select(seed => TrainRecipe.Run(new TrainSettings
        {
            Data = "mnist", Model = spec, Out = Dir[$"m{seed}"], Epochs = 1, Subset = 1000, Seed = seed, Lr = 0.05,
        }, session).RunPath).ToArray();
        var curve = ConnectRecipe.Run(new ConnectSettings { From = ends[0], To = ends[1], Out = Dir["bezier"], Epochs = 1, Lr = 0.05 }, session);

        var run = CurveRun.Open(curve.RunPath);
        using var net = session.Load(run);
        new CurveSampler(run.Family).MoveTo(net.Space, 0.5);
        net.ResetBatchNormStatistics(); // nothing carried over from the saved file
        var fewBatches = session.Evaluator(run.WeightDecay, BatchNormCalibration.DefaultGridBatches).Evaluate(net);
        var reported = curve.Epochs.Single();
        Assert.Equal(fewBatches.Test.Error, reported.TestError, 9);
        Assert.Equal(fewBatches.Test.Nll, reported.TestNll, 5);
        var row = File.ReadAllLines(Path.Combine(curve.RunPath, "metrics.csv"))[1].Split(',');
        Assert.Equal(reported.TestError, double.Parse(row[6], System.Globalization.CultureInfo.InvariantCulture), 4);
        // A few batches land close to the whole training split (the manifest's midpoint).
        Assert.InRange(reported.TestError - curve.Midpoint.Test.Error, -2.0, 2.0);
    }
}
