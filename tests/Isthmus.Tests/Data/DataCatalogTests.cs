namespace Isthmus.Tests.Data;

public sealed class DataCatalogTests
{
    [Fact]
    public void Cifar10_loads_normalised_CHW_tensors_with_int64_labels()
    {
        using var tmp = new TempFolder();
        DataFiles.WriteCifar10(tmp.Path, perBatch: 4, test: 3);

        using var data = DataCatalog.Load("cifar10", new DataOptions(tmp.Path));

        Assert.Equal(DataKind.Images, data.Kind);
        Assert.Equal(new long[] { 3, 32, 32 }, data.InputShape);
        Assert.Equal(10, data.Classes);
        Assert.True(data.Augment);
        Assert.Equal("test", data.EvalSplit);
        Assert.Equal(new long[] { 20, 3, 32, 32 }, data.Train!.Images.shape);
        Assert.Equal(torch.ScalarType.Float32, data.Train.Images.dtype);
        Assert.Equal(torch.ScalarType.Int64, data.Train.Labels.dtype);
        Assert.Equal(3, data.Eval!.Count);
        Assert.Equal(DataFiles.Labels(0, 20, 10).Select(b => (long)b), data.Train.Labels.data<long>().ToArray());

        // Image 6, blue channel, row 2, column 5, normalised with the CIFAR-10 blue statistics.
        var raw = DataFiles.CifarPixel(6, 2, 2, 5) / 255f;
        var expected = (raw - Normalization.Cifar10.Mean[2]) / Normalization.Cifar10.Std[2];
        Assert.Equal(expected, data.Train.Images[6, 2, 2, 5].item<float>(), 5);
        Assert.Equal(6, data.Checksums.Count); // five training batches and the test batch
        Assert.Equal(64, data.Checksums["test_batch.bin"].Length);
    }

    [Fact]
    public void Val_holds_out_the_last_N_training_examples_as_the_evaluation_set()
    {
        using var tmp = new TempFolder();
        DataFiles.WriteCifar10(tmp.Path, perBatch: 4, test: 3);
        using var full = DataCatalog.Load("cifar10", new DataOptions(tmp.Path));

        using var data = DataCatalog.Load("cifar10", new DataOptions(tmp.Path, Val: 5));

        Assert.Equal("validation", data.EvalSplit);
        Assert.Equal(15, data.Train!.Count);
        Assert.Equal(5, data.Eval!.Count);
        Assert.True(Tensors.Same(full.Train!.Images[15..], data.Eval.Images));
        Assert.True(Tensors.Same(full.Train.Labels[..15], data.Train.Labels));
        Assert.Equal(new long[] { 5, 6, 7, 8, 9 }, data.Eval.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Val_as_large_as_the_training_set_is_an_error()
    {
        using var tmp = new TempFolder();
        DataFiles.WriteCifar10(tmp.Path, perBatch: 1, test: 1);
        var error = Assert.Throws<IsthmusException>(() => DataCatalog.Load("cifar10", new DataOptions(tmp.Path, Val: 5)));
        Assert.Contains("--val 5", error.Message);
    }

    [Fact]
    public void Cifar100_has_100_classes_and_augments()
    {
        using var tmp = new TempFolder();
        var dir = Directory.CreateDirectory(tmp["cifar-100-binary"]).FullName;
        File.WriteAllBytes(Path.Combine(dir, "train.bin"), DataFiles.CifarFile(0, [99, 1], cifar100: true));
        File.WriteAllBytes(Path.Combine(dir, "test.bin"), DataFiles.CifarFile(5, [7], cifar100: true));

        using var data = DataCatalog.Load("cifar100", new DataOptions(dir));

        Assert.Equal(100, data.Classes);
        Assert.True(data.Augment);
        Assert.Equal(new long[] { 99, 1 }, data.Train!.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Unknown_name_lists_the_known_names()
    {
        var error = Assert.Throws<IsthmusException>(() => DataCatalog.Load("imagenet", new DataOptions("/nowhere")));
        foreach (var name in DataCatalog.Names) Assert.Contains(name, error.Message);
    }

    [Fact]
    public void A_missing_fetched_set_says_how_to_fetch_it()
    {
        using var tmp = new TempFolder();
        var error = Assert.Throws<IsthmusException>(() => DataCatalog.Load("mnist", new DataOptions(tmp.Path)));
        Assert.Equal(
            $"MNIST is not in {Path.Combine(tmp.Path, "mnist")}; run `./isthmus data fetch mnist` (or pass --data-root).",
            error.Message);
    }

    [Fact]
    public void A_fetched_file_with_the_wrong_checksum_is_refused_by_name()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp["fashion-mnist"]);
        var path = tmp["fashion-mnist/train-images-idx3-ubyte.gz"];
        File.WriteAllBytes(path, DataFiles.Gzip(DataFiles.IdxImages(1, 28, 28, (_, _, _) => 0)));

        var error = Assert.Throws<IsthmusException>(() => DataCatalog.Load("fashion-mnist", new DataOptions(tmp.Path)));
        Assert.Contains(path, error.Message);
        Assert.Contains("./isthmus data fetch fashion-mnist", error.Message);
    }
}
