using Isthmus.Space;

namespace Isthmus.Training;

/// <summary>
/// One epoch's moves to the training points and its optimiser steps: the one place the trainer chooses between the
/// general step and the fused one. A curve or simplex whose sampler leaves the control gradients alone steps its control
/// points straight from the point's gradient and moves to the next step's point, drawn now (the same draws in the
/// same order), in one pass over the weights (<see cref="FusedControlStep"/>); every other space hands the gradients
/// to its control points, lets the sampler finish them, and steps the optimiser.
/// </summary>
internal sealed class PointStep(TrainingJob job, WeightSpace space, Generator sampling, int batches)
{
    // The point drawn for the coming step by the previous one, and whether that step's update already moved there.
    private IReadOnlyList<double>? _drawn;
    private bool _moved;

    /// <summary>Moves the space to the coming minibatch's training point, unless the previous step already did.</summary>
    public void MoveToPoint()
    {
        if (_drawn is null) job.Sampler.Next(space, sampling);
        else if (!_moved) space.MoveTo(_drawn);
    }

    /// <summary>After minibatch <paramref name="batch"/>'s backward pass: updates the trainable weights at <paramref name="rate"/>.</summary>
    public void Step(int batch, double rate)
    {
        bool stepped = false;
        _drawn = null;
        if (job.Clip > 0) GradientClipping.ClipPoint(space, job.Clip).Dispose();
        if (!job.Sampler.FinishesGradients && space.ControlPointCount > 1)
        {
            _drawn = batch + 1 < batches ? job.Sampler.DrawNext(space, sampling) : null;
            stepped = FusedControlStep.TryStep(space, job.Optimizer, rate, job.WeightDecay, _drawn);
        }
        _moved = stepped && _drawn is not null;
        if (stepped) return;
        space.PushGradientsToControls(job.WeightDecay);
        job.Sampler.FinishGradients(space);
        // K = 1: the gradients are released, so the next backward pass writes fresh ones instead of adding into zeroed
        // buffers. K > 1: PushGradientsToControls already released the point's gradients and overwrites the controls'
        // preallocated ones (which cuts and the volume term write into) every step.
        job.Optimizer.Step(rate, releaseGradients: space.ControlPointCount == 1);
    }
}
