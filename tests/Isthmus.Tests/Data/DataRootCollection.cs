namespace Isthmus.Tests.Data;

/// <summary>Tests that read or set ISTHMUS_DATA run one at a time, never beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DataRootCollection
{
    public const string Name = "Data root";
}
