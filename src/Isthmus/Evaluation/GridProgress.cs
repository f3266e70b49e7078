namespace Isthmus.Evaluation;

/// <summary>
/// Progress of an evaluation over a grid of points (a curve's t values, a plane's (x, y) cells): reported after each
/// point, so a caller can draw a bar with an ETA.
/// </summary>
/// <param name="Done">Points finished.</param>
/// <param name="Total">Points in the grid.</param>
/// <param name="Point">The point just finished, as text (e.g. <c>t = 0.35</c>).</param>
/// <param name="Last">Its metrics.</param>
/// <param name="Seconds">Seconds since the grid started.</param>
public sealed record GridProgress(int Done, int Total, string Point, PointMetrics Last, double Seconds);
