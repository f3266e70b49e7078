using Isthmus.Space;
using Isthmus.Training;

namespace Isthmus.Landscape;

/// <summary>
/// Trains a network inside a <see cref="RandomCut"/> with the ordinary <see cref="Trainer"/>: the coefficient rule of
/// a cut (docs/science.md §5: anchor + d fixed directions, coordinates z trainable). The network's weight space has two
/// control points: θ0 = the anchor W0 (fixed) and θ1 = the offset Pᵀz, written from z before every step; the point
/// is θ0 + θ1. θ1 counts as trainable only so that <see cref="WeightSpace.PushGradientsToControls"/> hands it the
/// point's gradient ∂L/∂W + wd·W (decay on the point, as for every space); <see cref="FinishGradients"/> turns it into
/// z's, P·(∂L/∂W + wd·W), and the optimiser updates z alone.
/// </summary>
public sealed class CutSampler(RandomCut cut) : IPointSampler
{
    /// <summary>Control points of a cut's weight space.</summary>
    public const int Anchor = 0, Offset = 1;

    private static readonly double[] Sum = [1.0, 1.0];

    public RandomCut Cut { get; } = cut;

    public string Name => "random-cut";

    public void Next(WeightSpace space, Generator generator) => MoveTo(space);

    /// <summary>The point the last step produced: W0 + Pᵀz for the current z.</summary>
    public void MoveToReportedPoint(WeightSpace space) => MoveTo(space);

    public bool FinishesGradients => true;

    /// <summary>z's gradient: P·(the point's gradient, which θ1 received).</summary>
    public void FinishGradients(WeightSpace space)
    {
        var offset = space.ControlTensors(Offset);
        var gradients = new Tensor[offset.Count];
        for (int p = 0; p < gradients.Length; p++) gradients[p] = offset[p].grad ?? throw new InvalidOperationException("The offset control point of a cut must be trainable to receive the point's gradient.");
        Cut.PullGradient(gradients);
    }

    /// <summary>Moves <paramref name="space"/> to W0 + Pᵀz.</summary>
    public void MoveTo(WeightSpace space)
    {
        Cut.WriteOffset(space.ControlTensors(Offset));
        space.MoveTo(Sum);
    }

    /// <summary>
    /// Makes a two-control-point space a cut's: θ0, a random initialisation, becomes the anchor W0 — rescaled to norm
    /// <paramref name="radius"/> when one is given (docs/science.md §5: the cut's distance from the origin), kept as it is
    /// otherwise — and is fixed; θ1 (the offset) starts at 0, so the point starts at W0.
    /// </summary>
    /// <returns>‖W0‖.</returns>
    public static double PlaceAnchor(WeightSpace space, double? radius)
    {
        if (space.ControlPointCount != 2)
            throw new ArgumentException($"A cut's weight space has 2 control points (anchor, offset), not {space.ControlPointCount}.");
        if (radius is { } r && !(r > 0 && double.IsFinite(r)))
            throw new IsthmusException($"A cut's radius must be a positive number (got {r}).");
        double norm;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            double squared = 0;
            foreach (var t in space.ControlTensors(Anchor)) squared += t.to_type(ScalarType.Float64).square().sum().item<double>();
            norm = Math.Sqrt(squared);
            if (radius is { } target)
            {
                foreach (var t in space.ControlTensors(Anchor)) t.mul_(target / norm);
                norm = target;
            }
            foreach (var t in space.ControlTensors(Offset)) t.zero_();
        }
        space.SetTrainable(Anchor, false);
        space.SetTrainable(Offset, true);
        space.MoveTo(Sum);
        return norm;
    }
}
