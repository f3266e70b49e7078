namespace Isthmus.Tests;

/// <summary>Files PyTorch and NumPy wrote (tests/fixtures/make_data_fixtures.py), committed so tests need no Python.</summary>
internal static class Fixtures
{
    public static string Data(string name) => Path.Combine(Repository.Root, "tests", "fixtures", "data", name);
}
