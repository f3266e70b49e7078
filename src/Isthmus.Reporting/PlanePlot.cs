namespace Isthmus.Reporting;

/// <summary>
/// A plane picture like the paper's Fig. 1: the metric as a heatmap on a log colour scale with contour lines at
/// log-spaced levels, the defining points marked and the projected curve drawn, axes in weight-space units.
/// </summary>
public static class PlanePlot
{
    /// <param name="path">PNG to write (atomically).</param>
    /// <param name="title">Title above the picture.</param>
    /// <param name="metric">Colour-bar label, e.g. "train loss".</param>
    /// <param name="x">Grid x coordinates (along û).</param>
    /// <param name="y">Grid y coordinates (along v̂).</param>
    /// <param name="values">[row j][column i] = the metric at (x[i], y[j]).</param>
    /// <param name="markers">Points to mark and label.</param>
    /// <param name="curve">Projected curve to draw, or null.</param>
    /// <param name="curveName">Its legend entry.</param>
    /// <param name="levels">Number of contour levels, evenly spaced in log10.</param>
    /// <param name="width">Picture width in pixels.</param>
    /// <param name="height">Picture height in pixels.</param>
    public static void Save(string path, string title, string metric, double[] x, double[] y, double[,] values,
        IReadOnlyList<PlaneMarker> markers, IReadOnlyList<(double X, double Y)>? curve, string curveName = "curve",
        int levels = 12, int width = 800, int height = 700)
    {
        int ny = values.GetLength(0), nx = values.GetLength(1);
        var flat = new double[nx * ny];
        for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) flat[j * nx + i] = values[j, i];
        var log = PlotStyle.Log10(flat);
        double zmin = log.Min(), zmax = log.Max();
        if (zmax - zmin < 1e-9) zmax = zmin + 1e-9;

        var plot = new Plot();
        var cells = new double[ny, nx];
        for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) cells[ny - 1 - j, i] = log[j * nx + i]; // row 0 is drawn at the top
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        double dx = (x[^1] - x[0]) / (nx - 1), dy = (y[^1] - y[0]) / (ny - 1);
        heatmap.Extent = new CoordinateRect(x[0] - dx / 2, x[^1] + dx / 2, y[0] - dy / 2, y[^1] + dy / 2);
        heatmap.ManualRange = new ScottPlot.Range(zmin, zmax);
        heatmap.Smooth = true;

        var points = new Coordinates3d[ny, nx];
        for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) points[j, i] = new Coordinates3d(x[i], y[j], log[j * nx + i]);
        var contours = plot.Add.ContourLines(points);
        // Log-spaced levels (Fig. 1): evenly spaced in log10 of the metric.
        contours.ContourLineLevels = Enumerable.Range(1, levels).Select(k => zmin + (zmax - zmin) * k / (levels + 1)).ToArray();
        contours.LineColor = Colors.White.WithAlpha(0.6);
        contours.LineWidth = 1;
        contours.LabelStyle.IsVisible = false; // its labels would read log10 values; the colour bar carries the units

        if (curve is { Count: > 1 })
        {
            var line = plot.Add.Scatter(curve.Select(c => c.X).ToArray(), curve.Select(c => c.Y).ToArray());
            line.LegendText = curveName;
            line.Color = Colors.White;
            line.LineWidth = 2.5f;
            line.MarkerSize = 0;
        }
        foreach (var m in markers)
        {
            var marker = plot.Add.Marker(m.X, m.Y);
            marker.MarkerShape = MarkerShape.FilledCircle;
            marker.Size = 11;
            marker.Color = Colors.Black;
            marker.MarkerLineColor = Colors.White;
            marker.MarkerLineWidth = 2;
            var text = plot.Add.Text(m.Label, m.X, m.Y);
            text.LabelFontColor = Colors.White;
            text.LabelFontSize = 14;
            text.LabelBold = true;
            text.LabelOffsetX = 8;
            text.LabelOffsetY = -8;
        }

        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = $"{metric} (log scale)";
        bar.Axis.TickGenerator = PlotStyle.LogTicks(zmin, zmax);

        plot.Title(title);
        plot.XLabel("x along û (weight-space units)");
        plot.YLabel("y along v̂ (weight-space units)");
        plot.Axes.SetLimits(x[0] - dx / 2, x[^1] + dx / 2, y[0] - dy / 2, y[^1] + dy / 2);
        if (curve is { Count: > 1 }) plot.ShowLegend(Alignment.UpperRight);
        PlotStyle.SavePng(path, () => plot.GetImage(width, height));
    }
}
