namespace Isthmus.Reporting;

/// <summary>
/// Ensemble test error against the training epochs spent (the paper's Figure 3 right, in epochs rather than
/// wall time so that runs on different machines compare): one line per ensemble, one marker per added member.
/// Used by the HTML report and by <c>compare</c>.
/// </summary>
public static class BudgetPlot
{
    /// <param name="budgetMarks">Epochs to mark with dotted vertical lines (e.g. the budgets 1B, 2B).</param>
    /// <param name="yMax">Upper end of the error axis (early members far above it are cut off); null = fit everything.</param>
    /// <param name="stepped">Hold each ensemble's error until its next member arrives, instead of joining the markers.</param>
    public static void Save(string path, IReadOnlyList<EnsembleCurve> curves, string title = "ensemble test error against training budget",
        IReadOnlyList<double>? budgetMarks = null, double? yMax = null, bool stepped = false, int width = 900, int height = 450)
    {
        var plot = new Plot();
        var colors = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5 };
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            var line = plot.Add.Scatter(c.Epochs, c.Error);
            line.LegendText = c.Family == "" ? c.Label : $"{c.Label} ({c.Family})";
            line.Color = colors[i % colors.Length];
            line.LineWidth = 2;
            line.MarkerSize = 7;
            if (stepped) line.ConnectStyle = ConnectStyle.StepHorizontal;
        }
        foreach (var mark in budgetMarks ?? [])
        {
            var v = plot.Add.VerticalLine(mark);
            v.Color = Colors.Gray;
            v.LinePattern = LinePattern.Dotted;
        }
        if (yMax is { } top)
        {
            double bottom = curves.SelectMany(c => c.Error).Min();
            plot.Axes.SetLimitsY(bottom - 0.05 * (top - bottom), top);
        }
        PlotStyle.FitTitle(plot, title, width);
        plot.XLabel("training epochs spent on the members");
        plot.YLabel("test error of the ensemble (%)");
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.SavePng(path, () => plot.GetImage(width, height));
    }
}
