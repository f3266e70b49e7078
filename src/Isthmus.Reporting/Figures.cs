namespace Isthmus.Reporting;

/// <summary>Draws the pictures a method's outcome describes, each into its own PNG; the commands call it after the method returns.</summary>
public static class Figures
{
    public static void Draw(IHasFigures outcome) => Draw(outcome.Figures);

    public static void Draw(IEnumerable<Figure> figures)
    {
        foreach (var figure in figures) Draw(figure);
    }

    public static void Draw(Figure figure)
    {
        switch (figure)
        {
            case CurveFigure f: CurvePlot.Save(f.Png, f.Title, f.Series); break;
            case PlaneFigure f: PlanePlot.Save(f.Png, f.Title, f.Metric, f.X, f.Y, f.Values, f.Markers, f.Curve, f.CurveName); break;
            case EnsembleFigure f: EnsemblePlot.Save(f.Png, f.Title, f.FirstK, f.MeanMemberError, f.MeanMemberNll, f.AverageError, f.AverageNll); break;
            case PanelsFigure f: StudyPlot.Panels(f.Png, f.Panels, f.PanelWidth); break;
            case LinesFigure f: StudyPlot.Lines(f.Png, f.Title, f.XLabel, f.Series, f.YLabel, f.LogY, f.Second); break;
            case DiversityFigure f: DiversityPlot.Save(f.Png, f.Title, f.Projection, f.MemberFamilies, f.Families); break;
            case DiversityMatricesFigure f: DiversityPlot.Matrices(f.Png, f.Title, f.Disagreement, f.Cosine, f.MemberFamilies, f.Reference); break;
            case BudgetFigure f: BudgetPlot.Save(f.Png, f.Curves, f.Title, f.BudgetMarks, f.YMax, f.Stepped); break;
            case TrajectoryFigure f: ComparePlot.FromRun(f.Png, f.FgeRun, f.Title); break;
            default: throw new ArgumentException($"No drawing for {figure.GetType().Name}.", nameof(figure));
        }
    }
}
