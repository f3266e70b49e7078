using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Isthmus.Tests.Data;

/// <summary>A user's own images: --data npz:FILE and --data folder:DIR, on files NumPy and PIL wrote.</summary>
public sealed class OwnDataTests
{
    private static DataBundle Load(string spec, int val = 0, int subset = 0) =>
        DataCatalog.Load(spec, new DataOptions(Path.GetTempPath(), val, Subset: subset));

    private static IsthmusException Refusal(string spec)
    {
        var e = Assert.Throws<IsthmusException>(() => Load(spec));
        Assert.DoesNotContain("\n", e.Message);
        return e;
    }

    // The pixels back in [0, 1]: x · std + mean per channel.
    private static Tensor Raw(ImageDataset split)
    {
        var c = split.Images.shape[1];
        return split.Images * tensor(split.Normalization.Std).view(1, c, 1, 1) + tensor(split.Normalization.Mean).view(1, c, 1, 1);
    }

    [Fact]
    public void An_npz_of_uint8_digits_is_normalised_with_its_training_statistics()
    {
        var path = Fixtures.Data("digits.npz");
        using var data = Load("npz:" + path);
        var arrays = NpzReader.Read(path, ["x_train", "y_train", "x_test", "mean_std"]);
        using var meanStd = arrays["mean_std"].ToTensor();
        Assert.Equal([1L, 8, 8], data.InputShape);
        Assert.Equal(3, data.Classes);
        Assert.Equal(12, data.Train!.Count);
        Assert.Equal(6, data.Eval!.Count);
        Assert.Equal(meanStd[0].item<double>(), data.Train.Normalization.Mean[0], 6);
        Assert.Equal(meanStd[1].item<double>(), data.Train.Normalization.Std[0], 6);
        using var x = arrays["x_train"].ToTensor().to_type(ScalarType.Float32) / 255f;
        Assert.True((Raw(data.Train).squeeze(1) - x).abs().max().item<float>() < 1e-6);
        using var y = arrays["y_train"].ToTensor();
        Assert.True(Tensors.Same(data.Train.Labels, y));
        Assert.Equal(FileHash.Sha256OfFile(path), data.Checksums["digits.npz"]);
    }

    [Fact]
    public void A_compressed_npz_of_float_colour_images_in_NHWC_becomes_NCHW()
    {
        var path = Fixtures.Data("colour_nhwc.npz");
        using var data = Load("npz:" + path);
        var arrays = NpzReader.Read(path, ["x_train", "mean", "std"]);
        Assert.Equal([3L, 6, 6], data.InputShape);
        Assert.Equal(2, data.Classes);
        using var x = arrays["x_train"].ToTensor();
        using var raw = Raw(data.Train!);
        Assert.Equal(x[0, 1, 4, 2].item<float>(), raw[0, 2, 1, 4].item<float>(), 5);
        using var mean = arrays["mean"].ToTensor();
        using var std = arrays["std"].ToTensor();
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(mean[c].item<double>(), data.Train!.Normalization.Mean[c], 6);
            Assert.Equal(std[c].item<double>(), data.Train.Normalization.Std[c], 6);
        }
    }

    [Fact]
    public void Val_and_subset_apply_as_to_the_named_sets()
    {
        using var held = Load("npz:" + Fixtures.Data("digits.npz"), val: 4);
        Assert.Equal(8, held.Train!.Count);
        Assert.Equal(4, held.Eval!.Count);
        Assert.Equal("validation", held.EvalSplit);
        using var few = Load("npz:" + Fixtures.Data("digits.npz"), subset: 5);
        Assert.Equal(5, few.Train!.Count);
        Assert.Equal(6, few.Eval!.Count);
    }

    [Fact]
    public void An_image_folder_decodes_PNG_exactly_and_JPEG_as_PIL_does_within_two_levels()
    {
        var dir = Fixtures.Data("images");
        using var data = Load("folder:" + dir);
        var expected = NpzReader.Read(Fixtures.Data("images_expected.npz"), ["x_train", "y_train", "x_test", "y_test"]);
        Assert.Equal([3L, 5, 6], data.InputShape);
        Assert.Equal(2, data.Classes);
        using var x = expected["x_train"].ToTensor().to_type(ScalarType.Float32);
        using var raw = (Raw(data.Train!) * 255f).round();
        Assert.True((raw[0] - x[0]).abs().max().item<float>() < 1e-3, "PNG pixels are exact");
        Assert.True((raw - x).abs().max().item<float>() <= 2f, "JPEG pixels within two levels");
        using var y = expected["y_train"].ToTensor();
        Assert.True(Tensors.Same(data.Train!.Labels, y));
        Assert.Equal(2, data.Eval!.Count);
        Assert.Single(data.Checksums);
        Assert.Equal(64, data.Checksums["images/"].Length);
    }

    [Theory]
    [InlineData("lengths", "x_train holds 4 images but y_train 3 labels")]
    [InlineData("float-labels", "y_train has type '<f4', not integers")]
    [InlineData("shape", "x_train has shape (4, 64)")]
    [InlineData("sizes", "x_test holds images of 1×6×6 but x_train of 1×8×8")]
    [InlineData("negative", "negative label")]
    [InlineData("missing", "has no array 'y_test'")]
    public void Bad_npz_contents_get_one_sentence(string problem, string expected)
    {
        using var dir = new TempFolder();
        var x = NpzFile.Bytes("x_train", 4, 8, 8);
        var y = NpzFile.Longs("y_train", 0, 1, 0, 1);
        var xt = NpzFile.Bytes("x_test", 2, 8, 8);
        var yt = NpzFile.Longs("y_test", 1, 0);
        var arrays = problem switch
        {
            "lengths" => [x, NpzFile.Longs("y_train", 0, 1, 0), xt, yt],
            "float-labels" => [x, NpzFile.Floats("y_train", 0, 1, 0, 1), xt, yt],
            "shape" => [NpzFile.Bytes("x_train", 4, 64), y, xt, yt],
            "sizes" => [x, y, NpzFile.Bytes("x_test", 2, 6, 6), yt],
            "negative" => [x, NpzFile.Longs("y_train", 0, -1, 0, 1), xt, yt],
            _ => new[] { x, y, xt },
        };
        NpzFile.Write(dir["bad.npz"], arrays);
        Assert.Contains(expected, Refusal("npz:" + dir["bad.npz"]).Message);
    }

    [Theory]
    [InlineData("empty-class", "holds no PNG or JPEG images")]
    [InlineData("mixed-sizes", "resize every image to one size")]
    [InlineData("stray-test-class", "is a class with no folder under")]
    [InlineData("no-test", "has no test/ folder")]
    public void Bad_image_folders_get_one_sentence(string problem, string expected)
    {
        using var dir = new TempFolder();
        void Png(string relative, int w, int h)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir[relative])!);
            using var image = new Image<Rgb24>(w, h, new Rgb24(10, 20, 30));
            image.SaveAsPng(dir[relative]);
        }
        Png("train/a/0.png", 4, 4);
        Png("train/b/0.png", 4, 4);
        if (problem != "no-test") Png("test/a/0.png", 4, 4);
        if (problem == "empty-class") Directory.CreateDirectory(dir["train/c"]);
        if (problem == "mixed-sizes") Png("train/b/1.png", 5, 4);
        if (problem == "stray-test-class") Png("test/z/0.png", 4, 4);
        Assert.Contains(expected, Refusal("folder:" + dir.Path).Message);
    }
}
