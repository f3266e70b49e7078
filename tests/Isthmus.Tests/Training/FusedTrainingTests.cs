namespace Isthmus.Tests.Training;

/// <summary>
/// The trainer's fused path for curves and simplices (step the control points from the point's gradient and move to the
/// next drawn point in one pass) trains exactly what the general path trains: push gradients, finish them, step, draw.
/// </summary>
public sealed class FusedTrainingTests
{
    /// <summary>The same sampler, but claiming to finish gradients: the trainer must then take the general path.</summary>
    private sealed class GeneralPath(IPointSampler inner) : IPointSampler
    {
        public string Name => inner.Name;
        public void Next(WeightSpace space, Generator generator) => inner.Next(space, generator);
        public void MoveToReportedPoint(WeightSpace space) => inner.MoveToReportedPoint(space);
        public void BeginEpoch(WeightSpace space, int epoch) => inner.BeginEpoch(space, epoch);
        public bool FinishesGradients => true;
    }

    [Theory]
    [InlineData("bezier", 1)]
    [InlineData("polychain", 2)]
    public void A_curve_trained_on_the_fused_path_equals_one_trained_on_the_general_path(string name, int bends)
    {
        using var data = TinyProblem.Images("tiny", seed: 2);
        var family = CurveFamily.Create(name, bends);
        (Tensor[] Controls, double Loss) Train(bool fused)
        {
            using var net = ModelZoo.Build(TinyProblem.Model, new DataShape(data.InputShape, data.Classes));
            var space = WeightSpace.Create(net.Layout, family.ControlPoints, seed: 5);
            net.Bind(space);
            space.SetTrainable(0, false);
            space.SetTrainable(family.ControlPoints - 1, false);
            using var optimizer = new Sgd(space.TrainableTensors(), 0.9, 0);
            var sampler = new CurveSampler(family);
            var reports = Trainer.Run(new TrainingJob
            {
                Network = net, Train = BatchSources.Training(data, 32, 1), Eval = BatchSources.Evaluation(data), Schedule = new ConstantSchedule(0.05),
                Optimizer = optimizer, WeightDecay = 5e-4, Epochs = 2, Seed = 3, Sampler = fused ? sampler : new GeneralPath(sampler),
            });
            var controls = Enumerable.Range(0, family.ControlPoints).SelectMany(k => space.ControlTensors(k).Select(t => t.detach().clone())).ToArray();
            space.Dispose();
            return (controls, reports[^1].TrainLoss);
        }
        var (general, generalLoss) = Train(fused: false);
        var (fused, fusedLoss) = Train(fused: true);
        for (int i = 0; i < general.Length; i++) Assert.True(general[i].allclose(fused[i], rtol: 1e-4, atol: 1e-5), $"tensor {i}");
        Assert.Equal(generalLoss, fusedLoss, 4);
    }
}
