namespace Isthmus.Data;

/// <summary>
/// A data set loaded for one run: the training split, the split it is evaluated on, and what a model needs to know
/// about them. Owns its tensors; dispose it when done.
/// </summary>
public sealed class DataBundle : IDisposable
{
    private DataBundle() { }

    /// <summary>Catalog name (<c>mnist</c>, <c>cifar10</c>, ...) or the name given to <see cref="ForImages"/>/<see cref="ForText"/>.</summary>
    public string Name { get; private init; } = "";

    /// <summary>Images or text.</summary>
    public DataKind Kind { get; private init; }

    /// <summary>[C, H, W] of one image; empty for text.</summary>
    public long[] InputShape { get; private init; } = [];

    /// <summary>Number of classes; for text, the vocabulary size.</summary>
    public int Classes { get; private init; }

    /// <summary>Whether training should use random crops and flips (CIFAR), not (MNIST-like).</summary>
    public bool Augment { get; private init; }

    /// <summary>The training split of an image set.</summary>
    public ImageDataset? Train { get; private init; }

    /// <summary>The evaluation split of an image set (see <see cref="EvalSplit"/>).</summary>
    public ImageDataset? Eval { get; private init; }

    /// <summary>The training split of a text set.</summary>
    public TextDataset? TrainText { get; private init; }

    /// <summary>The evaluation split of a text set (see <see cref="EvalSplit"/>).</summary>
    public TextDataset? EvalText { get; private init; }

    /// <summary>The vocabulary of a text set.</summary>
    public Vocabulary? Vocab { get; private init; }

    /// <summary><c>"test"</c>, or <c>"validation"</c> when the evaluation split was held out of the training data.</summary>
    public string EvalSplit { get; private init; } = "test";

    /// <summary>File name → SHA-256 of each file read, as verified against the fetch manifest (or, for CIFAR, as found).</summary>
    public IReadOnlyDictionary<string, string> Checksums { get; private init; } = new Dictionary<string, string>();

    /// <summary>Bundles two image splits; takes ownership of them.</summary>
    public static DataBundle ForImages(string name, ImageDataset train, ImageDataset eval, int classes, bool augment,
        string evalSplit = "test", IReadOnlyDictionary<string, string>? checksums = null) =>
        new()
        {
            Name = name, Kind = DataKind.Images, InputShape = train.Images.shape[1..], Classes = classes, Augment = augment,
            EvalSplit = evalSplit, Checksums = checksums ?? new Dictionary<string, string>(), Train = train, Eval = eval,
        };

    /// <summary>Bundles two text splits and their vocabulary; takes ownership of the splits.</summary>
    public static DataBundle ForText(string name, TextDataset train, TextDataset eval, Vocabulary vocab,
        string evalSplit = "test", IReadOnlyDictionary<string, string>? checksums = null) =>
        new()
        {
            Name = name, Kind = DataKind.Text, InputShape = [], Classes = vocab.Count, EvalSplit = evalSplit,
            Checksums = checksums ?? new Dictionary<string, string>(), TrainText = train, EvalText = eval, Vocab = vocab,
        };

    /// <inheritdoc/>
    public void Dispose()
    {
        Train?.Dispose();
        Eval?.Dispose();
        TrainText?.Dispose();
        EvalText?.Dispose();
    }
}
