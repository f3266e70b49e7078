using Isthmus.Space;

namespace Isthmus.Training;

/// <summary>
/// Chooses the point of the weight space each minibatch trains at — eq. (2) and its generalisations: a plain
/// network always trains at its only point; a curve samples t ~ U(0,1) per minibatch; a simplex samples
/// barycentric weights ~ Dirichlet(1).
/// </summary>
public interface IPointSampler
{
    /// <summary>Moves <paramref name="space"/> to the next training point.</summary>
    void Next(WeightSpace space, Generator generator);

    /// <summary>
    /// Draws the next training point as <see cref="Next"/> would (the same draws from <paramref name="generator"/>) and
    /// returns its coefficients without moving <paramref name="space"/>, so that the trainer can fold the move into the
    /// previous step's update (<see cref="FusedControlStep"/>). Null when this sampler moves the space itself
    /// (the default); the trainer then calls <see cref="Next"/>.
    /// </summary>
    IReadOnlyList<double>? DrawNext(WeightSpace space, Generator generator) => null;

    /// <summary>Name for manifests.</summary>
    string Name { get; }

    /// <summary>
    /// Moves <paramref name="space"/> to the point the trainer's per-epoch evaluation reports (metrics.csv). By
    /// default the point the last step trained at; a curve reports its midpoint, where a straight segment fails.
    /// </summary>
    void MoveToReportedPoint(WeightSpace space) { }

    /// <summary>Called at the start of every epoch, before its first <see cref="Next"/> (e.g. to re-weigh simplices by their volumes).</summary>
    void BeginEpoch(WeightSpace space, int epoch) { }

    /// <summary>
    /// Called after the loss gradients reached the control points and before the optimiser steps, to finish the
    /// gradients the optimiser will use: add those of terms that do not depend on the data (a simplex's volume term),
    /// or carry them on to trained parameters that are not control points (a random cut's coordinates z). Nothing by
    /// default.
    /// </summary>
    void FinishGradients(WeightSpace space) { }

    /// <summary>
    /// Whether <see cref="FinishGradients"/> reads or changes the control points' gradients. When it does not, the
    /// trainer may skip forming them and step the control points straight from the point's gradient
    /// (<see cref="FusedControlStep"/>).
    /// </summary>
    bool FinishesGradients => false;
}

/// <summary>The only point of a one-control-point space.</summary>
public sealed class FixedPoint : IPointSampler
{
    public static readonly FixedPoint Instance = new();
    public string Name => "network";
    public void Next(WeightSpace space, Generator generator) { }
}
