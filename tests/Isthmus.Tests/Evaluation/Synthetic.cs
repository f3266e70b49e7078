namespace Isthmus.Tests.Evaluation;

/// <summary>Small image data sets generated in the test: [N, 1, 2, 2] images, 3 classes, seeded.</summary>
internal static class Synthetic
{
    /// <summary>An MLP small enough for <see cref="Images"/> with one channel.</summary>
    public static readonly ArchitectureSpec SmallMlp = new ArchitectureSpec("mlp").With("widths", "8,6");
    public static readonly DataShape SmallShape = new([1, 2, 2], 3);

    /// <summary>Scores points on <paramref name="data"/>'s splits with wd 5e-4, stacking up to <paramref name="pointsPerPass"/>.</summary>
    public static PointEvaluator Evaluator(DataBundle data, int pointsPerPass = PointEvaluator.DefaultPointsPerPass) =>
        new(BatchSources.TrainingForEvaluation(data), BatchSources.Evaluation(data), 5e-4) { PointsPerPass = pointsPerPass, StacksConvolutions = true };

    public static DataBundle Images(int train = 300, int test = 120, long channels = 1, int seed = 0)
    {
        using var gen = new TorchSharp.torch.Generator((ulong)seed);
        var x = randn([train + test, channels, 2, 2], generator: gen);
        var y = x.flatten(1).sum(1).mul(2).floor().remainder(3).to_type(ScalarType.Int64).abs(); // learnable, deterministic labels
        var norm = new Normalization(Enumerable.Repeat(0f, (int)channels).ToArray(), Enumerable.Repeat(1f, (int)channels).ToArray());
        var trainSet = new ImageDataset(x.narrow(0, 0, train).clone(), y.narrow(0, 0, train).clone(), norm);
        var testSet = new ImageDataset(x.narrow(0, train, test).clone(), y.narrow(0, train, test).clone(), norm);
        return DataBundle.ForImages("synthetic", trainSet, testSet, classes: 3, augment: false);
    }
}
