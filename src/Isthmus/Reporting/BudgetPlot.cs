using ScottPlot;

namespace Isthmus.Reporting;

/// <summary>
/// Ensemble test error against the training epochs spent (the paper's Figure 3 right, in epochs rather than
/// wall time so that runs on different machines compare): one line per ensemble, one marker per added member.
/// </summary>
public static class BudgetPlot
{
    public static void Save(string path, IReadOnlyList<EnsembleCurve> curves, int width = 900, int height = 450)
    {
        var plot = new Plot();
        var colors = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5 };
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            var line = plot.Add.Scatter(c.Epochs, c.Error);
            line.LegendText = $"{c.Label} ({c.Family})";
            line.Color = colors[i % colors.Length];
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        plot.Title("ensemble test error against training budget");
        plot.XLabel("training epochs spent on the members");
        plot.YLabel("test error of the ensemble (%)");
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.SavePng(path, () => plot.GetImage(width, height));
    }
}
