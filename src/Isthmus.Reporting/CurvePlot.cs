namespace Isthmus.Reporting;

/// <summary>
/// <c>curve.png</c>: train loss (log axis) and test error against t, side by side, as the paper's Fig. 2 (left);
/// a segment between the same endpoints, when evaluated, is drawn dashed beside the curve.
/// </summary>
public static class CurvePlot
{
    public static void Save(string path, string title, IReadOnlyList<CurveSeries> series, int width = 1200, int height = 450)
    {
        var multiplot = new Multiplot(); // starts with one plot
        var loss = multiplot.GetPlot(0);
        var error = multiplot.AddPlot();
        var colors = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3 };
        double lmin = double.PositiveInfinity, lmax = double.NegativeInfinity;
        for (int s = 0; s < series.Count; s++)
        {
            var c = series[s];
            var logLoss = PlotStyle.Log10(c.TrainLoss);
            lmin = Math.Min(lmin, logLoss.Min());
            lmax = Math.Max(lmax, logLoss.Max());
            foreach (var (plot, ys) in new[] { (loss, logLoss), (error, c.TestError) })
            {
                var line = plot.Add.Scatter(c.T, ys);
                line.LegendText = c.Name;
                line.Color = colors[s % colors.Length];
                line.LineWidth = 2;
                line.MarkerSize = c.T.Length <= 31 ? 5 : 0;
                if (c.Dashed) line.LinePattern = LinePattern.Dashed;
            }
        }
        double pad = Math.Max(0.05, 0.05 * (lmax - lmin));
        loss.Axes.SetLimitsY(lmin - pad, lmax + pad);
        loss.Axes.Left.TickGenerator = PlotStyle.LogTicks(lmin - pad, lmax + pad);
        loss.Title($"{title}: train loss");
        loss.YLabel("train loss = NLL + L2 (log scale)");
        error.Title($"{title}: test error");
        error.YLabel("test error (%)");
        foreach (var p in new[] { loss, error })
        {
            // Long architecture names (e.g. convfc(bn=true, width_factor=0.5)) would run into the next panel.
            if (title.Length > 40) p.Axes.Title.Label.FontSize = Math.Max(10, 14 * 40f / title.Length);
            p.XLabel("t");
            p.Axes.SetLimitsX(-0.02, 1.02);
            p.ShowLegend(Alignment.UpperRight);
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        PlotStyle.SavePng(path, () => multiplot.Render(width, height));
    }
}
