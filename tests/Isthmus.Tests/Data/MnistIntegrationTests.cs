namespace Isthmus.Tests.Data;

/// <summary>Fetches real MNIST (≈11 MB, once; later runs find it in place) into the default data root.</summary>
[Collection(DataRootCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MnistIntegrationTests
{
    [Fact]
    public async Task Fetched_MNIST_has_60000_and_10000_examples_with_the_known_label_histograms()
    {
        var root = DataFetcher.DefaultRoot();
        await DataFetcher.FetchAsync("mnist", root);
        Assert.True(DataFetcher.IsPresent("mnist", root));

        using var data = DataCatalog.Load("mnist", new DataOptions(root));

        Assert.Equal(60000, data.Train!.Count);
        Assert.Equal(10000, data.Eval!.Count);
        Assert.Equal(new long[] { 1, 28, 28 }, data.InputShape);
        Assert.False(data.Augment);
        Assert.Equal(new long[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 },
            torch.bincount(data.Train.Labels).data<long>().ToArray());
        Assert.Equal(new long[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 },
            torch.bincount(data.Eval.Labels).data<long>().ToArray());
        // Normalised with MNIST's own training statistics.
        Assert.Equal(0.0, data.Train.Images.mean().item<float>(), 2);
        Assert.Equal(1.0, data.Train.Images.std().item<float>(), 2);
        Assert.Equal("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", data.Checksums["train-images-idx3-ubyte"]);
    }
}
