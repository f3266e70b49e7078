using Isthmus.Evaluation;

namespace Isthmus.Reporting;

/// <summary>
/// Pictures of <c>study diversity</c>: members of every family in one function-space projection beside each family's
/// ensemble error against its number of members; and the pairwise disagreement and cosine matrices as heatmaps with
/// the families marked along the axes.
/// </summary>
public static class DiversityPlot
{
    private static readonly Color[] Palette = [Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5, Colors.C6];
    private static readonly MarkerShape[] Shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    public static void Save(string path, string title, FunctionSpaceProjection projection, IReadOnlyList<string> memberFamilies,
        IReadOnlyList<(string Family, double[] FirstKError, double MeanMemberError)> families, int width = 1300, int height = 520)
    {
        var multiplot = new Multiplot();
        var pca = multiplot.GetPlot(0);
        var names = memberFamilies.Distinct().ToList();
        // Independent runs last, as large rings: a curve's endpoints or an FGE start coincide with them.
        foreach (int f in Enumerable.Range(0, names.Count).OrderBy(f => names[f] == "independent"))
        {
            var idx = Enumerable.Range(0, memberFamilies.Count).Where(i => memberFamilies[i] == names[f]).ToArray();
            var points = pca.Add.Scatter(idx.Select(i => projection.Coordinates[i, 0]).ToArray(), idx.Select(i => projection.Coordinates[i, 1]).ToArray());
            bool independent = names[f] == "independent";
            points.LegendText = $"{names[f]} ({idx.Length})";
            points.Color = Palette[f % Palette.Length];
            points.MarkerShape = independent ? MarkerShape.OpenCircle : Shapes[f % Shapes.Length];
            points.MarkerSize = independent ? 16 : 9;
            points.MarkerLineWidth = independent ? 2.5f : 1;
            // Members of one trajectory (fge, sse, a curve) in collection order; independent runs are not a path.
            points.LineWidth = independent ? 0 : 1;
        }
        var ratio = projection.ExplainedVarianceRatio;
        pca.Title($"{title}: members in function space");
        pca.XLabel($"PC 1 of the softmax outputs ({100 * ratio[0]:F0} % of variance)");
        pca.YLabel($"PC 2 ({100 * (ratio.Length > 1 ? ratio[1] : 0):F0} %)");
        pca.ShowLegend(Alignment.UpperRight);

        var gain = multiplot.AddPlot();
        for (int f = 0; f < families.Count; f++)
        {
            var (family, errors, mean) = families[f];
            var line = gain.Add.Scatter(Enumerable.Range(1, errors.Length).Select(k => (double)k).ToArray(), errors);
            line.LegendText = family;
            line.Color = Palette[names.IndexOf(family) % Palette.Length];
            line.LineWidth = 2;
            line.MarkerSize = 6;
        }
        gain.Title("Ensemble of the family's first k members");
        gain.XLabel("members k");
        gain.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        gain.YLabel("test error (%)");
        gain.ShowLegend(Alignment.UpperRight);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        PlotStyle.SavePng(path, () => multiplot.Render(width, height));
    }

    public static void Matrices(string path, string title, double[,] disagreement, double[,] cosine, IReadOnlyList<string> memberFamilies, string reference,
        int width = 1300, int height = 600)
    {
        var multiplot = new Multiplot();
        Heatmap(multiplot.GetPlot(0), disagreement, memberFamilies, $"{title}: disagreement", "% of test points", scale: 100);
        Heatmap(multiplot.AddPlot(), cosine, memberFamilies, $"cosine of w − {reference}", "cosine");
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        PlotStyle.SavePng(path, () => multiplot.Render(width, height));
    }

    private static void Heatmap(Plot plot, double[,] matrix, IReadOnlyList<string> memberFamilies, string title, string label, double scale = 1)
    {
        int m = matrix.GetLength(0);
        var cells = new double[m, m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) cells[i, j] = double.IsFinite(matrix[i, j]) ? scale * matrix[i, j] : double.NaN;
        var heatmap = plot.Add.Heatmap(cells); // row 0 at the top, like the matrix
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(-0.5, m - 0.5, -0.5, m - 0.5);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = label;
        var xTicks = new ScottPlot.TickGenerators.NumericManual();
        var yTicks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var block in memberFamilies.Select((f, i) => (f, i)).GroupBy(x => x.f))
        {
            double middle = block.Average(x => x.i);
            xTicks.AddMajor(middle, block.Key);
            yTicks.AddMajor(m - 1 - middle, block.Key);
        }
        plot.Axes.Bottom.TickGenerator = xTicks;
        plot.Axes.Left.TickGenerator = yTicks;
        plot.Axes.SetLimits(-0.5, m - 0.5, -0.5, m - 0.5);
        plot.Title(title);
    }
}
