using Isthmus.Evaluation;

namespace Isthmus.Reporting;

/// <summary>
/// <c>ensemble.png</c>: test error and NLL of the ensemble of the first k members against k (the paper's Figure 3
/// right), with the mean member (and the SWA-style average of the weights, when evaluated) as horizontal lines.
/// </summary>
public static class EnsemblePlot
{
    public static void Save(string path, string title, IReadOnlyList<FirstK> firstK, double meanMemberError, double meanMemberNll,
        double? averageError = null, double? averageNll = null, int width = 1200, int height = 450)
    {
        var multiplot = new Multiplot();
        var error = multiplot.GetPlot(0);
        var nll = multiplot.AddPlot();
        var k = firstK.Select(f => (double)f.K).ToArray();
        foreach (var (plot, ys, mean, avg, label) in new[]
                 {
                     (error, firstK.Select(f => f.Error).ToArray(), meanMemberError, averageError, "test error (%)"),
                     (nll, firstK.Select(f => f.Nll).ToArray(), meanMemberNll, averageNll, "test NLL"),
                 })
        {
            var line = plot.Add.Scatter(k, ys);
            line.LegendText = "ensemble of the first k members";
            line.Color = Colors.C0;
            line.LineWidth = 2;
            line.MarkerSize = k.Length <= 60 ? 5 : 0;
            var member = plot.Add.HorizontalLine(mean);
            member.LegendText = "mean member";
            member.Color = Colors.C1;
            member.LinePattern = LinePattern.Dashed;
            if (avg is { } a && double.IsFinite(a))
            {
                var swa = plot.Add.HorizontalLine(a);
                swa.LegendText = "average of the weights (SWA-style)";
                swa.Color = Colors.C2;
                swa.LinePattern = LinePattern.Dotted;
            }
            plot.XLabel("members k");
            plot.YLabel(label);
            plot.Title($"{title}: {label}");
            plot.Axes.SetLimitsX(0.5, Math.Max(1.5, k.Length + 0.5));
            plot.ShowLegend(Alignment.UpperRight);
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        PlotStyle.SavePng(path, () => multiplot.Render(width, height));
    }
}
