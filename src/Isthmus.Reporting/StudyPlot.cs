namespace Isthmus.Reporting;

/// <summary>Line pictures for studies: panels side by side, each with several series, optionally on log axes.</summary>
public static class StudyPlot
{
    private static readonly Color[] Palette = [Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5, Colors.C6];

    /// <summary>Several series against one x, optionally on a log y axis, with an optional second panel of one series.</summary>
    public static void Lines(string path, string title, string xLabel,
        IReadOnlyList<(string Name, double[] X, double[] Y)> series, string yLabel, bool logY = false,
        (string Name, double[] X, double[] Y)? second = null, int width = 1200, int height = 450)
    {
        var panels = new List<PlotPanel> { new(title, xLabel, yLabel, series.Select(s => new PlotSeries(s.Name, s.X, s.Y)).ToList(), LogY: logY) };
        if (second is { } s) panels.Add(new PlotPanel(s.Name, xLabel, s.Name, [new PlotSeries(s.Name, s.X, s.Y, Color: 2)], Legend: false));
        Panels(path, panels, width / 2, height);
    }

    /// <summary>Panels in one row, each <paramref name="panelWidth"/> pixels wide.</summary>
    public static void Panels(string path, IReadOnlyList<PlotPanel> panels, int panelWidth = 600, int height = 450)
    {
        var multiplot = new Multiplot();
        for (int i = 0; i < panels.Count; i++) Draw(i == 0 ? multiplot.GetPlot(0) : multiplot.AddPlot(), panels[i]);
        if (panels.Count > 1) multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        PlotStyle.SavePng(path, () => multiplot.Render(panelWidth * panels.Count, height));
    }

    private static void Draw(Plot plot, PlotPanel panel)
    {
        double ylo = double.PositiveInfinity, yhi = double.NegativeInfinity, xlo = double.PositiveInfinity, xhi = double.NegativeInfinity;
        for (int i = 0; i < panel.Series.Count; i++)
        {
            var s = panel.Series[i];
            var xs = panel.LogX ? PlotStyle.Log10(s.X) : s.X;
            var ys = panel.LogY ? PlotStyle.Log10(s.Y) : s.Y;
            foreach (var y in ys.Where(double.IsFinite)) { ylo = Math.Min(ylo, y); yhi = Math.Max(yhi, y); }
            foreach (var x in xs.Where(double.IsFinite)) { xlo = Math.Min(xlo, x); xhi = Math.Max(xhi, x); }
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = s.Name;
            line.Color = Palette[(s.Color >= 0 ? s.Color : i) % Palette.Length];
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        if (panel.LogY && ylo <= yhi)
        {
            double pad = Math.Max(0.05, 0.05 * (yhi - ylo));
            plot.Axes.SetLimitsY(ylo - pad, yhi + pad);
            plot.Axes.Left.TickGenerator = PlotStyle.LogTicks(ylo - pad, yhi + pad);
        }
        if (panel.LogX && xlo <= xhi)
        {
            double pad = Math.Max(0.05, 0.05 * (xhi - xlo));
            plot.Axes.SetLimitsX(xlo - pad, xhi + pad);
            plot.Axes.Bottom.TickGenerator = PlotStyle.LogTicks(xlo - pad, xhi + pad);
        }
        plot.Title(panel.Title);
        plot.XLabel(panel.XLabel + (panel.LogX ? " (log scale)" : ""));
        plot.YLabel(panel.YLabel);
        if (panel.Legend) plot.ShowLegend(Alignment.UpperRight);
    }
}
