using Isthmus.Space;

namespace Isthmus.Training;

/// <summary>
/// The SGD step of a many-control-point space taken straight from its point's gradient, in one pass per parameter:
/// each trainable control tensor is stepped with c_k·(∂L/∂W + wd·W) formed inside the update (Garipov et al. 2018,
/// eq. (2)'s gradient by the chain rule; weight decay on the point, docs/science.md §1) and, when a next point is
/// given, the point is moved there (as <see cref="WeightSpace.MoveTo"/>) in the same pass. It is the same update as
/// <see cref="WeightSpace.PushGradientsToControls"/> followed by <see cref="Sgd.Step"/>, with fewer passes over the weights.
/// </summary>
public static class FusedControlStep
{
    /// <summary>
    /// Takes the step; CPU float32 only. Returns false, having changed nothing, when that is not possible (one control
    /// point, another device, or a trainable control tensor the optimiser does not hold); the caller then takes the
    /// general path.
    /// </summary>
    public static bool TryStep(WeightSpace space, Sgd optimizer, double rate, double weightDecay, IReadOnlyList<double>? moveTo = null)
    {
        int controls = space.ControlPointCount;
        if (controls == 1 || !space.HasFusedPasses) return false;
        for (int k = 0; k < controls; k++)
            if (space.IsTrainable(k) && !space.ControlTensors(k).All(optimizer.CanStepFromPoint)) return false;
        if (moveTo is not null) space.CheckCount(moveTo);
        using var _ = no_grad();
        var steps = new List<Platform.FusedKernels.ControlStep>(controls);
        var column = new Tensor[controls];
        var coefficients = space.Coefficients;
        for (int p = 0; p < space.Layout.Count; p++)
        {
            var point = space.Point(p);
            using var raw = point.grad;
            point.grad = null;
            // A parameter the loss did not reach has a zero gradient; a strided one is made dense first.
            using var g = raw is null ? zeros_like(point) : raw.contiguous();
            steps.Clear();
            for (int k = 0; k < controls; k++)
            {
                var control = space.Control(k, p);
                column[k] = control;
                if (!space.IsTrainable(k)) continue;
                var buffer = optimizer.BufferForFusedStep(control, out bool first);
                steps.Add(new(control, buffer, first, coefficients[k]));
            }
            Platform.FusedKernels.StepControls(g, point, weightDecay, steps, rate, optimizer.Momentum, optimizer.WeightDecay, column, moveTo);
        }
        if (moveTo is not null) space.MovedTo(moveTo);
        return true;
    }
}
