
namespace Isthmus.Data;

/// <summary>
/// A user's own labelled images as a <see cref="DataBundle"/>: pixel values normalised per channel with the training
/// split's own mean and standard deviation (recorded in <see cref="ImageDataset.Normalization"/>, and so in the run's
/// manifest), then the same <c>--val</c> and <c>--subset</c> handling as the named sets.
/// </summary>
public static class OwnImages
{
    /// <summary>
    /// Reads <c>x_train</c>, <c>y_train</c>, <c>x_test</c>, <c>y_test</c> from an <c>.npz</c>: images N×H×W, N×H×W×C or
    /// N×C×H×W (C of 1 to 4), uint8 (0–255, scaled to [0, 1]) or float (taken as they are); integer labels 0…K−1.
    /// </summary>
    public static DataBundle FromNpz(string name, string path, DataOptions options)
    {
        if (!File.Exists(path))
            throw new IsthmusException($"{path} does not exist; pass --data npz:FILE with an .npz holding x_train, y_train, x_test, y_test.");
        var arrays = NpzReader.Read(path, ["x_train", "y_train", "x_test", "y_test"]);
        var checksums = new Dictionary<string, string> { [Path.GetFileName(path)] = FileHash.Sha256OfFile(path) };
        using var scope = NewDisposeScope();
        var xTrain = Images(arrays["x_train"], path);
        var xTest = Images(arrays["x_test"], path);
        if (!xTrain.shape[1..].SequenceEqual(xTest.shape[1..]))
            throw new IsthmusException($"{path}: x_test holds images of {Chw(xTest)} but x_train of {Chw(xTrain)}; store both splits at one size and channel count.");
        var yTrain = Labels(arrays["y_train"], xTrain.shape[0], "x_train", path);
        var yTest = Labels(arrays["y_test"], xTest.shape[0], "x_test", path);
        return Bundle(name, xTrain, yTrain, xTest, yTest, options, checksums);
    }

    /// <summary>
    /// Normalises float images [N, C, H, W] in [0, 1] with <paramref name="trainImages"/>'s per-channel statistics and
    /// bundles them (labels int64 [N]); the tensors may be in a dispose scope, the bundle's are not.
    /// </summary>
    internal static DataBundle Bundle(string name, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels,
        DataOptions options, IReadOnlyDictionary<string, string> checksums)
    {
        var normalization = Statistics(trainImages);
        var device = options.Device ?? CPU;
        ImageDataset Split(Tensor x, Tensor y)
        {
            var c = x.shape[1];
            var mean = tensor(normalization.Mean).view(1, c, 1, 1);
            var std = tensor(normalization.Std).view(1, c, 1, 1);
            return new ImageDataset(((x - mean) / std).to(device), y.to(device), normalization);
        }
        long classes = Math.Max(trainLabels.max().item<long>(), testLabels.max().item<long>()) + 1;
        return DataCatalog.Bundle(name, Split(trainImages, trainLabels), Split(testImages, testLabels), (int)classes,
            augment: false, options, new Dictionary<string, string>(checksums));
    }

    /// <summary>Per-channel mean and (population) standard deviation of [N, C, H, W] images; a constant channel gets std 1.</summary>
    public static Normalization Statistics(Tensor images)
    {
        using var scope = NewDisposeScope();
        var perChannel = images.transpose(0, 1).reshape(images.shape[1], -1).to_type(ScalarType.Float64);
        var mean = perChannel.mean([1]).data<double>().Select(v => (float)v).ToArray();
        var std = perChannel.std(1, unbiased: false).data<double>().Select(v => v > 1e-12 ? (float)v : 1f).ToArray();
        return new Normalization(mean, std);
    }

    private static Tensor Images(NpyArray x, string path)
    {
        var s = x.Shape;
        bool Channels(long c) => c is >= 1 and <= 4;
        var layout = s.Length switch
        {
            3 => "NHW",
            4 when Channels(s[1]) && !Channels(s[3]) => "NCHW",
            4 when Channels(s[3]) => "NHWC",
            _ => null,
        };
        if (layout is null || s[0] == 0)
            throw new IsthmusException($"{path}: {x.Name} has shape {x.ShapeText}; store images as N×H×W, N×H×W×C or N×C×H×W with 1 to 4 channels and N > 0.");
        if (x.Dtype != ScalarType.Byte && x.Dtype is not (ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64))
            throw new IsthmusException($"{path}: {x.Name} has type '{x.Descr}'; store images as uint8 (0–255) or float.");
        var t = x.ToTensor();
        var images = x.Dtype == ScalarType.Byte ? t.to_type(ScalarType.Float32).div_(255f) : t.to_type(ScalarType.Float32);
        return layout switch
        {
            "NHW" => images.unsqueeze(1),
            "NHWC" => images.permute(0, 3, 1, 2).contiguous(),
            _ => images,
        };
    }

    private static Tensor Labels(NpyArray y, long count, string images, string path)
    {
        var name = y.Name;
        if (!y.IsInteger)
            throw new IsthmusException($"{path}: {name} has type '{y.Descr}', not integers; store class indices 0…K−1 with numpy's astype(np.int64).");
        if (y.Shape.Length != 1)
            throw new IsthmusException($"{path}: {name} has shape {y.ShapeText}; store one class index per image, shape ({count},).");
        if (y.Shape[0] != count)
            throw new IsthmusException($"{path}: {images} holds {count} images but {name} {y.Shape[0]} labels; store one label per image.");
        var labels = y.ToTensor().to_type(ScalarType.Int64);
        if (labels.min().item<long>() < 0)
            throw new IsthmusException($"{path}: {name} holds a negative label ({labels.min().item<long>()}); store class indices 0…K−1.");
        return labels;
    }

    private static string Chw(Tensor x) => string.Join("×", x.shape[1..]);
}
