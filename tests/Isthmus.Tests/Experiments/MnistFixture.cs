namespace Isthmus.Tests.Experiments;

/// <summary>Real MNIST in the default data root, fetched through the project's own fetch step on first use.</summary>
public sealed class MnistFixture
{
    public MnistFixture()
    {
        Root = DataFetcher.DefaultRoot();
        DataFetcher.FetchAsync("mnist", Root).GetAwaiter().GetResult();
    }

    public string Root { get; }
}

[CollectionDefinition(Name)]
public sealed class MnistCollection : ICollectionFixture<MnistFixture>
{
    public const string Name = "Real MNIST";
}
