namespace Isthmus.Tests;

/// <summary>The repository the tests were built from: the first folder above them that holds Isthmus.slnx.</summary>
internal static class Repository
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Isthmus.slnx"))) return dir.FullName;
            throw new InvalidOperationException("The tests run outside the repository (no Isthmus.slnx above them).");
        }
    }
}
