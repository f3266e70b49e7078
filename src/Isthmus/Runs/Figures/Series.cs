namespace Isthmus.Runs;

/// <summary>One series of a curve picture: a name and its per-t values.</summary>
public sealed record CurveSeries(string Name, double[] T, double[] TrainLoss, double[] TestError, bool Dashed);

/// <summary>A labelled point on a plane picture (w1, w2, w3, or a bend).</summary>
public sealed record PlaneMarker(string Label, double X, double Y);

/// <summary>One line of a study picture; <paramref name="Color"/> is an index into the palette (−1: by position).</summary>
public sealed record PlotSeries(string Name, double[] X, double[] Y, int Color = -1);

/// <summary>One panel of a study picture: its lines, axis labels and which axes are logarithmic.</summary>
public sealed record PlotPanel(string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series, bool LogX = false, bool LogY = false, bool Legend = true);

/// <summary>One ensemble as a function of what it cost: error of the first k members against the training epochs spent to get them.</summary>
public sealed record EnsembleCurve(string Label, string Family, double[] Epochs, double[] Error, double[] Nll);
