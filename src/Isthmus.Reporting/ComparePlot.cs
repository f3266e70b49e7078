namespace Isthmus.Reporting;

/// <summary>
/// The left panel of Garipov et al.'s Figure 3 for <c>isthmus compare</c>: the FGE trajectory (learning rate, test
/// error and distance from ŵ against the iteration of Algorithm 1). The right panel is <see cref="BudgetPlot"/>.
/// </summary>
public static class ComparePlot
{
    /// <summary>Figure 3 left from an FGE run's <c>trajectory.csv</c>: the rate of every iteration, and test error and distance from ŵ wherever it was scored.</summary>
    public static void FromRun(string png, string fgeRun, string title)
    {
        var iterations = new List<double>();
        var rates = new List<double>();
        var scored = new List<(double, double, double)>();
        var members = new HashSet<double>();
        static double Parse(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines(Path.Combine(fgeRun, MemberTraining.TrajectoryFile)).Skip(1))
        {
            var c = line.Split(',');
            double i = Parse(c[0]);
            if (c[2] != "")
            {
                iterations.Add(i);
                rates.Add(Parse(c[2]));
            }
            if (c[4] != "") scored.Add((i, Parse(c[4]), Parse(c[6])));
            if (c[3] != "" && c[3] != "0") members.Add(i);
        }
        Trajectory(png, title, iterations.ToArray(), rates.ToArray(), scored, members);
    }

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
}
