using Isthmus.Data;
using Isthmus.Nn;

namespace Isthmus.Landscape;

/// <summary>
/// The Hessian of the mean training NLL over a fixed set of batches, at the network's current point, as an operator:
/// <see cref="Multiply"/> forms H·v without ever building H. The network runs in eval mode (no dropout; batch norm
/// with the point's running statistics, which the caller recomputes first), so the loss is one deterministic
/// function of the weights. The L2 term ½·wd·‖w‖² is left out: its Hessian is wd·I, which adds wd to every eigenvalue.
/// </summary>
public sealed class Hessian(Network net, IBatchSource data)
{
    /// <summary>
    /// H·v by double backward (Pearlmutter's trick): the gradient g(w) is built with its own graph, and the gradient of
    /// ⟨g(w), v⟩ is H·v — exact, about the cost of two backward passes per batch.
    /// </summary>
    /// <returns>One tensor per parameter, outside every dispose scope.</returns>
    public Tensor[] Multiply(IReadOnlyList<Tensor> v)
    {
        var weights = net.Space.PointTensors.ToList();
        return Accumulate((loss, sum) =>
        {
            var g = autograd.grad([loss], weights, retain_graph: true, create_graph: true);
            var inner = g[0].mul(v[0]).sum();
            for (int p = 1; p < g.Count; p++) inner = inner.add(g[p].mul(v[p]).sum());
            var hv = autograd.grad([inner], weights);
            using var _ = no_grad();
            for (int p = 0; p < sum.Length; p++) sum[p].add_(hv[p]);
        });
    }

    /// <summary>The gradient of the mean NLL, one tensor per parameter, outside every dispose scope.</summary>
    public Tensor[] Gradient() => Accumulate((loss, sum) =>
    {
        var g = autograd.grad([loss], net.Space.PointTensors.ToList());
        using var _ = no_grad();
        for (int p = 0; p < sum.Length; p++) sum[p].add_(g[p]);
    });

    /// <summary>
    /// H·v by central differences of gradients, (g(w + εv) − g(w − εv)) / 2ε with ε = <paramref name="step"/>/‖v‖ (a
    /// shift of <paramref name="step"/> in weight space) — for layers without a double backward, and as the check of
    /// <see cref="Multiply"/>. Exact for a quadratic; for a network its error is O(ε²), float32 rounding of order
    /// 1e-7/ε, and — the largest with ReLUs — units whose pre-activation changes sign within the shift: a tiny
    /// network on 96 examples already differs by 60 % at a shift of 1e-2 and agrees to 1e-4 at 1e-3.
    /// </summary>
    public Tensor[] MultiplyByDifferences(IReadOnlyList<Tensor> v, double step = 1e-3)
    {
        var weights = net.Space.PointTensors;
        double eps = step / ParameterVectors.Norm(v);
        void Shift(double by)
        {
            using var _ = no_grad();
            for (int p = 0; p < weights.Count; p++) weights[p].add_(v[p], alpha: by);
        }
        Shift(eps);
        var plus = Gradient();
        Shift(-2 * eps);
        var minus = Gradient();
        Shift(eps);
        using var __ = no_grad();
        for (int p = 0; p < plus.Length; p++) plus[p].sub_(minus[p]).div_(2 * eps);
        ParameterVectors.Dispose(minus);
        return plus;
    }

    /// <summary>Runs <paramref name="step"/> on every batch's loss, weighted by its share of the examples, into a zero sum.</summary>
    private Tensor[] Accumulate(Action<Tensor, Tensor[]> step)
    {
        bool wasTraining = net.Training;
        net.Training = false;
        var sum = net.Space.PointTensors.Select(w => zeros_like(w).DetachFromDisposeScope()).ToArray();
        try
        {
            data.BeginEpoch(0);
            for (int b = 0; b < data.BatchesPerEpoch; b++)
            {
                using var scope = NewDisposeScope();
                var (x, y) = data.Batch(b);
                var loss = nn.functional.cross_entropy(net.Forward(x), y).mul((double)y.shape[0] / data.Examples);
                step(loss, sum);
            }
            return sum;
        }
        catch
        {
            ParameterVectors.Dispose(sum);
            throw;
        }
        finally
        {
            net.Training = wasTraining;
        }
    }
}
