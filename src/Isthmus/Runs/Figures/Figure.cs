using Isthmus.Evaluation;

namespace Isthmus.Runs;

/// <summary>
/// A picture a method asks for: the file it goes to and everything drawn in it. The library only describes pictures,
/// so that it needs no plotting package; <c>Isthmus.Reporting</c> draws them (<c>Figures.Draw</c>) after the method returns.
/// </summary>
public abstract record Figure(string Png);

/// <summary>What a method's outcome asks to be drawn, in order; empty when nothing new was computed (a finished run reopened).</summary>
public interface IHasFigures
{
    IReadOnlyList<Figure> Figures { get; }
}

/// <summary>The outcome records of methods that draw: the pictures are set by the method with <c>with { Figures = … }</c>.</summary>
public abstract record OutcomeWithFigures : IHasFigures
{
    public IReadOnlyList<Figure> Figures { get; init; } = [];
}

/// <summary>Train loss and test error against t, one series per curve (Garipov et al. 2018, Fig. 2 left).</summary>
public sealed record CurveFigure(string Png, string Title, IReadOnlyList<CurveSeries> Series) : Figure(Png);

/// <summary>One metric over a plane grid with its defining points and a projected path (Garipov et al. 2018, Fig. 1).</summary>
public sealed record PlaneFigure(string Png, string Title, string Metric, double[] X, double[] Y, double[,] Values,
    IReadOnlyList<PlaneMarker> Markers, IReadOnlyList<(double X, double Y)>? Curve, string CurveName) : Figure(Png);

/// <summary>Ensemble error and NLL against the number of members, the mean member as a line.</summary>
public sealed record EnsembleFigure(string Png, string Title, IReadOnlyList<FirstK> FirstK, double MeanMemberError, double MeanMemberNll,
    double? AverageError, double? AverageNll) : Figure(Png);

/// <summary>Study panels side by side, each <paramref name="PanelWidth"/> pixels wide.</summary>
public sealed record PanelsFigure(string Png, IReadOnlyList<PlotPanel> Panels, int PanelWidth = 600) : Figure(Png);

/// <summary>Several series against one x, with an optional second panel of one series.</summary>
public sealed record LinesFigure(string Png, string Title, string XLabel, IReadOnlyList<(string Name, double[] X, double[] Y)> Series,
    string YLabel, bool LogY, (string Name, double[] X, double[] Y)? Second) : Figure(Png);

/// <summary>Members in function space (PCA of their predictions) beside each family's first-k ensemble error.</summary>
public sealed record DiversityFigure(string Png, string Title, FunctionSpaceProjection Projection, IReadOnlyList<string> MemberFamilies,
    IReadOnlyList<(string Family, double[] FirstKError, double MeanMemberError)> Families) : Figure(Png);

/// <summary>Pairwise disagreement and weight cosine between members, as two matrices.</summary>
public sealed record DiversityMatricesFigure(string Png, string Title, double[,] Disagreement, double[,] Cosine,
    IReadOnlyList<string> MemberFamilies, string Reference) : Figure(Png);

/// <summary>Ensemble error against the training epochs spent, budgets marked.</summary>
public sealed record BudgetFigure(string Png, IReadOnlyList<EnsembleCurve> Curves, string Title, IReadOnlyList<double> BudgetMarks,
    double? YMax, bool Stepped) : Figure(Png);

/// <summary>An FGE run's rate, test error and distance from ŵ per iteration, read from its trajectory file (Garipov et al. 2018, Fig. 3 left).</summary>
public sealed record TrajectoryFigure(string Png, string FgeRun, string Title) : Figure(Png);
