using LibraryTour;

namespace Isthmus.Tests.Experiments;

/// <summary>The example of docs/library.md runs, and what it prints holds together.</summary>
public sealed class LibraryTourTests(MnistFixture mnist) : MnistTest(mnist)
{
    [Fact]
    public void The_library_tour_runs_and_its_levels_agree()
    {
        var lines = new List<string>();
        var r = Tour.Run(TourSize.Tiny, Dir["tour"], DataRoot, lines.Add);
        Assert.Equal(3, lines.Count);
        // t = 0 and t = 1 are the trained networks themselves.
        Assert.Equal(r.StartError, r.Curve.Points[0].Metrics.Test.Error, 9);
        Assert.Equal(r.EndError, r.Curve.Points[^1].Metrics.Test.Error, 9);
        // φ(½) scored by hand equals the grid's middle point (scored with other points in one pass there).
        var grid = r.Curve.Points.Single(p => Math.Abs(p.T - 0.5) < 1e-12).Metrics;
        Assert.Equal(grid.Test.Error, r.Middle.Test.Error, 9);
        Assert.Equal(grid.TrainLoss, r.Middle.TrainLoss, 5);
        Assert.True(r.Curve.LengthRatio >= 1 - 1e-9, $"length ratio {r.Curve.LengthRatio}");
        Assert.InRange(r.CurveMax, 0, 100);
        Assert.InRange(r.SegmentMax, 0, 100);
    }
}

public sealed class LibraryDocTests
{
    [Fact]
    public void The_code_in_docs_library_md_is_the_code_of_the_tour()
    {
        var root = Repository.Root;
        static List<string> Lines(string text) =>
            text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var doc = File.ReadAllText(Path.Combine(root, "docs", "library.md"));
        int start = doc.IndexOf("```csharp\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/library.md has no csharp block");
        start += "```csharp\n".Length;
        var shown = Lines(doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)]);
        var code = Lines(File.ReadAllText(Path.Combine(root, "examples", "LibraryTour", "Tour.cs")));
        Assert.True(shown.Count > 10);
        int at = code.IndexOf(shown[0]);
        Assert.True(at >= 0, $"Tour.cs lacks: {shown[0]}");
        Assert.Equal(shown, code.Skip(at).Take(shown.Count).ToList());
    }
}
