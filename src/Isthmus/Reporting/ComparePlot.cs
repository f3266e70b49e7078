using ScottPlot;

namespace Isthmus.Reporting;

/// <summary>
/// The two panels of Garipov et al.'s Figure 3 for <c>isthmus compare</c>: the FGE trajectory (learning rate, test
/// error and distance from ŵ against the iteration of Algorithm 1) and the ensemble error against training time for
/// each method.
/// </summary>
public static class ComparePlot
{
    private static readonly Color[] Palette = [Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4];

    /// <summary>Figure 3 left: three stacked panels against the iteration since ŵ, members marked.</summary>
    /// <param name="iterations">Iterations 1 … n with the rate of each in <paramref name="rates"/>.</param>
    /// <param name="scored">Where the network was scored (0 = ŵ, trajectory points, members), with test error (%) and distance from ŵ.</param>
    /// <param name="members">Which of the scored iterations are members.</param>
    public static void Trajectory(string path, string title, double[] iterations, double[] rates,
        IReadOnlyList<(double Iteration, double Error, double Distance)> scored, IReadOnlySet<double> members, int width = 900, int height = 900)
    {
        var multiplot = new Multiplot();
        var lr = multiplot.GetPlot(0);
        var error = multiplot.AddPlot();
        var distance = multiplot.AddPlot();
        var rate = lr.Add.Scatter(iterations, rates);
        rate.MarkerSize = 0;
        rate.LineWidth = 2;
        rate.Color = Colors.C0;
        lr.YLabel("learning rate");
        PlotStyle.FitTitle(lr, title, width);
        var x = scored.Select(p => p.Iteration).ToArray();
        foreach (var (plot, ys, label, color) in new[]
                 {
                     (error, scored.Select(p => p.Error).ToArray(), "test error (%)", Colors.C1),
                     (distance, scored.Select(p => p.Distance).ToArray(), "distance from ŵ", Colors.C2),
                 })
        {
            var line = plot.Add.Scatter(x, ys);
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 4;
            var kept = plot.Add.Scatter(x.Where(members.Contains).ToArray(), x.Select((xi, i) => (xi, ys[i])).Where(p => members.Contains(p.xi)).Select(p => p.Item2).ToArray());
            kept.LineWidth = 0;
            kept.MarkerSize = 10;
            kept.MarkerShape = MarkerShape.FilledDiamond;
            kept.Color = Colors.Black;
            kept.LegendText = "members (rate at its minimum)";
            plot.YLabel(label);
            plot.ShowLegend(Alignment.UpperRight);
        }
        distance.XLabel("iteration i of Algorithm 1 (since ŵ)");
        double lastX = Math.Max(iterations.DefaultIfEmpty(1).Max(), 1);
        foreach (var plot in new[] { lr, error, distance }) plot.Axes.SetLimitsX(0, lastX);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();
        PlotStyle.SavePng(path, () => multiplot.Render(width, height));
    }

    /// <summary>Figure 3 right: each method's ensemble error as its networks arrive, against epochs of training spent.</summary>
    /// <param name="yMax">Upper end of the error axis (early snapshots far above it are cut off); null = fit everything.</param>
    public static void ErrorAgainstTime(string path, string title, IReadOnlyList<(string Name, double[] Epochs, double[] Error)> series,
        IReadOnlyList<double> budgetMarks, double? yMax = null, int width = 900, int height = 550)
    {
        var plot = new Plot();
        for (int i = 0; i < series.Count; i++)
        {
            var (name, epochs, errors) = series[i];
            var line = plot.Add.Scatter(epochs, errors);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LegendText = name;
            line.Color = Palette[i % Palette.Length];
            line.LineWidth = 2;
            line.MarkerSize = 6;
        }
        foreach (var mark in budgetMarks)
        {
            var v = plot.Add.VerticalLine(mark);
            v.Color = Colors.Gray;
            v.LinePattern = LinePattern.Dotted;
        }
        if (yMax is { } top)
        {
            double bottom = series.SelectMany(x => x.Error).Min();
            plot.Axes.SetLimitsY(bottom - 0.05 * (top - bottom), top);
        }
        PlotStyle.FitTitle(plot, title, width);
        plot.XLabel("training time (epochs)");
        plot.YLabel("ensemble test error (%)");
        plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.SavePng(path, () => plot.GetImage(width, height));
    }
}
