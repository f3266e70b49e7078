using System.Text.RegularExpressions;

namespace Isthmus.Tests.Architecture;

/// <summary>
/// The library's folders depend one way: a folder may use the folders listed before it in <see cref="Order"/>, never one
/// after it. Checked from the source: <c>using Isthmus.X</c> directives and names qualified by a folder's namespace
/// (<c>Training.Sgd</c>, <c>Isthmus.Landscape.Barrier</c>) whose type is defined in that folder.
/// </summary>
public class DependencyTests
{
    /// <summary>
    /// Bottom to top. Evaluation sits below Training because the trainer scores every epoch with the Evaluator; the
    /// layer above the library goes last: the run-folder contract (Runs), the methods, the studies that compose them.
    /// </summary>
    private static readonly string[] Order =
        ["Platform", "Data", "Space", "Nn", "Storage", "Evaluation", "Training", "Landscape", "Runs", "Methods", "Studies"];

    private static string Library => Path.Combine(Repository.Root, "src", "Isthmus");

    [Fact]
    public void Every_library_folder_has_a_place_in_the_order()
    {
        var folders = Folders().Select(Path.GetFileName).ToList();
        Assert.Empty(folders.Except(Order));
        Assert.Contains("Training", folders); // the source tree was found
    }

    [Fact]
    public void No_folder_uses_a_folder_above_it()
    {
        var types = Folders().ToDictionary(d => Path.GetFileName(d)!,
            d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories).Select(f => Path.GetFileName(f).Split('.')[0]).ToHashSet());
        var upward = new List<string>();
        foreach (var folder in Folders())
        {
            string name = Path.GetFileName(folder);
            int rank = Array.IndexOf(Order, name);
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
                foreach (var (used, how) in Uses(File.ReadAllText(file), types!))
                    if (used != name && Array.IndexOf(Order, used) > rank)
                        upward.Add($"{Path.GetRelativePath(Library, file)} uses {used} ({how})");
        }
        Assert.True(upward.Count == 0, string.Join("\n", upward.Distinct()));
    }

    [Fact]
    public void The_check_sees_a_using_and_a_qualified_name()
    {
        var types = new Dictionary<string, HashSet<string>> { ["Training"] = ["Sgd"], ["Landscape"] = ["Barrier"] };
        const string source = """
            using Isthmus.Landscape;
            // Training.Sgd in a comment does not count
            public bool Step(Training.Sgd optimizer) => true;
            """;
        Assert.Equal([("Landscape", "using"), ("Training", "Training.Sgd")], Uses(source, types).ToList());
    }

    private static IEnumerable<string> Folders() =>
        Directory.EnumerateDirectories(Library).Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "build"));

    private static IEnumerable<(string Folder, string How)> Uses(string source, IReadOnlyDictionary<string, HashSet<string>> types)
    {
        var code = Regex.Replace(source, @"//.*", "");
        foreach (Match m in Regex.Matches(code, @"^\s*using\s+(?:static\s+)?Isthmus\.(\w+)", RegexOptions.Multiline))
            yield return (m.Groups[1].Value, "using");
        foreach (Match m in Regex.Matches(code, @"(?<![\w.])(?:Isthmus\.)?(\w+)\.(\w+)"))
            if (types.TryGetValue(m.Groups[1].Value, out var defined) && defined.Contains(m.Groups[2].Value))
                yield return (m.Groups[1].Value, m.Value);
    }
}
