using ScottPlot;

namespace Isthmus.Reporting;

/// <summary>Line pictures for studies: several series against one x, optionally on a log y axis, with an optional second panel.</summary>
public static class StudyPlot
{
    public static void Lines(string path, string title, string xLabel,
        IReadOnlyList<(string Name, double[] X, double[] Y)> series, string yLabel, bool logY = false,
        (string Name, double[] X, double[] Y)? second = null, int width = 1200, int height = 450)
    {
        var multiplot = new Multiplot();
        var main = multiplot.GetPlot(0);
        var colors = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4 };
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < series.Count; i++)
        {
            var (name, x, y) = series[i];
            var ys = logY ? PlotStyle.Log10(y) : y;
            lo = Math.Min(lo, ys.Min());
            hi = Math.Max(hi, ys.Max());
            var line = main.Add.Scatter(x, ys);
            line.LegendText = name;
            line.Color = colors[i % colors.Length];
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        if (logY)
        {
            double pad = Math.Max(0.05, 0.05 * (hi - lo));
            main.Axes.SetLimitsY(lo - pad, hi + pad);
            main.Axes.Left.TickGenerator = PlotStyle.LogTicks(lo - pad, hi + pad);
        }
        main.Title(title);
        main.XLabel(xLabel);
        main.YLabel(yLabel);
        main.ShowLegend(Alignment.UpperRight);
        if (second is { } s)
        {
            var p = multiplot.AddPlot();
            var line = p.Add.Scatter(s.X, s.Y);
            line.LegendText = s.Name;
            line.Color = Colors.C2;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            p.Title(s.Name);
            p.XLabel(xLabel);
            p.YLabel(s.Name);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        }
        PlotStyle.SavePng(path, () => multiplot.Render(second is null ? width / 2 : width, height));
    }
}
