using Isthmus.Data;

namespace Isthmus.Methods;

/// <summary>Where the temperatures were fitted: which examples, how many, and whether the members had trained on them.</summary>
public sealed record HeldOutSplit(string Description, long Examples, bool SeenInTraining);

/// <summary>
/// The splits an ensemble needs, carved out of a data set's whole training split and its test set: the members'
/// own training data (after their <c>--val</c> hold-out and <c>--subset</c>) for batch-norm recomputation, the test
/// set to score the ensemble on, and — with temperature scaling — held-out data for fitting T: the members'
/// <c>--val</c> hold-out when they were trained with one, otherwise the last 5000 training examples
/// (<b>choice</b>; the output says whether the members had seen them). The ensemble is always scored on the test
/// set, so a temperature is never fitted on the examples it is judged on.
/// </summary>
public sealed class EnsembleData : IDisposable
{
    /// <summary>Held-out examples for temperature scaling when the members were trained without <c>--val</c>.</summary>
    public const int DefaultHeldOut = 5000;

    private List<ImageDataset> _views = [];

    private EnsembleData() { }

    /// <summary>The members' training data in order, without augmentation.</summary>
    public required IBatchSource TrainForBatchNorm { get; init; }

    /// <summary>The test set.</summary>
    public required IBatchSource Eval { get; init; }

    /// <summary>Held-out data for temperature scaling; null when not scaling.</summary>
    public IBatchSource? HeldOut { get; init; }

    public HeldOutSplit? HeldOutSplit { get; init; }

    /// <summary>The test labels, int64 [N], in the order <see cref="Eval"/> yields them (owned by the data set).</summary>
    public required TorchSharp.torch.Tensor Labels { get; init; }

    /// <param name="data">An image data set loaded WITHOUT a validation hold-out or subset (its whole training split and its test set).</param>
    /// <param name="val">The members' <c>--val</c> (their last <paramref name="val"/> training examples were not trained on).</param>
    /// <param name="subset">The members' <c>--subset</c> (0 = all).</param>
    /// <param name="temperatureScale">Carve out held-out data for temperature scaling.</param>
    /// <param name="heldOut">Held-out examples when <paramref name="val"/> is 0.</param>
    public static EnsembleData Arrange(DataBundle data, int val, int subset, bool temperatureScale, int heldOut = DefaultHeldOut)
    {
        if (data.Kind != DataKind.Images || data.Train is null || data.Eval is null)
            throw new IsthmusException($"Ensembles are built for image classifiers; {data.Name} is a text corpus.");
        if (data.EvalSplit != "test")
            throw new IsthmusException($"An ensemble is scored on the test set, but {data.Name} was opened with a validation hold-out; open it with --val 0 (the members' --val is taken from their runs).");
        var train = data.Train;
        long n = train.Count;
        if (val < 0 || val >= n)
            throw new IsthmusException($"The members' --val {val} does not fit the {n} training examples of {data.Name}.");
        long trainEnd = n - val;
        long used = subset > 0 ? Math.Min(subset, trainEnd) : trainEnd;
        var views = new List<ImageDataset> { View(train, 0, used) };
        IBatchSource? held = null;
        HeldOutSplit? split = null;
        if (temperatureScale)
        {
            if (val > 0)
            {
                views.Add(View(train, trainEnd, val));
                split = new HeldOutSplit($"the members' --val hold-out (the last {val} training examples)", val, SeenInTraining: false);
            }
            else
            {
                if (heldOut < 1 || heldOut >= n)
                    throw new IsthmusException($"Cannot hold out {heldOut} of the {n} training examples of {data.Name} for temperature scaling.");
                bool seen = used > n - heldOut;
                views.Add(View(train, n - heldOut, heldOut));
                split = new HeldOutSplit($"the last {heldOut} training examples" + (seen ? " (the members trained on them too: no --val hold-out)" : " (outside the members' --subset)"), heldOut, seen);
            }
            held = BatchSources.InOrder(views[1]);
        }
        return new EnsembleData
        {
            _views = views, TrainForBatchNorm = BatchSources.InOrder(views[0]), Eval = BatchSources.InOrder(data.Eval), HeldOut = held,
            HeldOutSplit = split, Labels = data.Eval.Labels,
        };
    }

    private static ImageDataset View(ImageDataset d, long start, long count) =>
        new(d.Images.narrow(0, start, count), d.Labels.narrow(0, start, count), d.Normalization);

    public void Dispose()
    {
        foreach (var v in _views) v.Dispose();
    }
}
