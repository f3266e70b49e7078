namespace Isthmus.Tests.Experiments;

/// <summary>
/// A test on real MNIST: in the collection that fetches it once, marked Integration (a quick run leaves it out), with a
/// fresh temporary folder for each test (xunit makes an instance per test and disposes it after).
/// </summary>
[Collection(MnistCollection.Name)]
[Trait("Category", "Integration")]
public abstract class MnistTest(MnistFixture mnist) : IDisposable
{
    /// <summary>Where MNIST was fetched.</summary>
    protected string DataRoot => mnist.Root;

    private protected TempFolder Dir { get; } = new();

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
