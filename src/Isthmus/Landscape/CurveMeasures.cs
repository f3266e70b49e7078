using Isthmus.Evaluation;

namespace Isthmus.Landscape;

/// <summary>Path statistics and barrier heights of one metric along an evaluated curve, on its grid of t and its steps.</summary>
public static class CurveMeasures
{
    /// <summary>Min, max, trapezoid mean and arc-length mean ("int") of <paramref name="values"/> (docs/science.md §2, Table 2).</summary>
    public static PathStats Stats(this CurveEvaluation c, double[] values) => PathStatistics.Of(c.T, c.Steps, values);

    /// <summary>The three barrier heights of <paramref name="values"/> (docs/science.md §6).</summary>
    public static BarrierHeights Barriers(this CurveEvaluation c, double[] values) => Barrier.Of(c.T, values);
}
