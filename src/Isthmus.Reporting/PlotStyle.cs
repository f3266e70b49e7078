namespace Isthmus.Reporting;

/// <summary>What every Isthmus picture shares: log-axis ticks in the data's own units, and atomic PNG writes.</summary>
internal static class PlotStyle
{
    /// <summary>Manual ticks for an axis that shows log10(value): 1-2-5 per decade, more when the range is under a decade.</summary>
    public static ScottPlot.TickGenerators.NumericManual LogTicks(double log10Min, double log10Max)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var candidates = new List<double>();
        int lo = (int)Math.Floor(log10Min), hi = (int)Math.Ceiling(log10Max);
        foreach (var mantissas in new[] { new[] { 1.0 }, new[] { 1.0, 2, 5 }, new[] { 1.0, 1.5, 2, 3, 4, 5, 6, 7, 8, 9 } })
        {
            candidates.Clear();
            for (int e = lo; e <= hi; e++)
                foreach (var m in mantissas)
                {
                    double v = m * Math.Pow(10, e), l = Math.Log10(v);
                    if (l >= log10Min - 1e-9 && l <= log10Max + 1e-9) candidates.Add(v);
                }
            if (candidates.Count >= 4) break;
        }
        if (candidates.Count < 2)
        {
            // Less than one step of the finest mantissas: label both ends.
            candidates = [Math.Pow(10, log10Min), Math.Pow(10, log10Max)];
        }
        foreach (var v in candidates) ticks.AddMajor(Math.Log10(v), Format(v));
        return ticks;
    }

    public static string Format(double v) => v.ToString(v >= 100 ? "0" : "G3", CultureInfo.InvariantCulture);

    /// <summary>log10 with non-positive values clamped to a tenth of the smallest positive one (log axes cannot show 0).</summary>
    public static double[] Log10(IReadOnlyList<double> values)
    {
        double floor = values.Where(v => v > 0).DefaultIfEmpty(1e-6).Min() / 10;
        return values.Select(v => Math.Log10(Math.Max(v, floor))).ToArray();
    }

    /// <summary>Sets a title that shrinks (down to 10 pt) instead of running past a panel <paramref name="width"/> pixels wide.</summary>
    public static void FitTitle(Plot plot, string title, int width)
    {
        const float Largest = 14f, Smallest = 10f;
        // About 15 pixels per character at 14 pt, less in proportion at smaller sizes.
        int Fits(float size) => (int)(width / (15.0 * size / Largest));
        if (title.Length > Fits(Largest)) title = Wrap(title, Fits(Largest));
        plot.Title(title);
        int longest = title.Split('\n').Max(line => line.Length);
        if (longest > Fits(Largest)) plot.Axes.Title.Label.FontSize = Math.Max(Smallest, Largest * Fits(Largest) / longest);
    }

    /// <summary>Breaks <paramref name="text"/> at spaces into lines of at most <paramref name="columns"/> characters where it can.</summary>
    private static string Wrap(string text, int columns)
    {
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > columns)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return string.Join('\n', lines);
    }

    public static void SavePng(string path, Func<Image> render)
    {
        using var image = render();
        var bytes = image.GetImageBytes(ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}
