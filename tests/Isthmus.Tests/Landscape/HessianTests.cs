namespace Isthmus.Tests.Landscape;

/// <summary>Hessian-vector products, power iteration and the bisection for directional radii, on problems whose answers are known.</summary>
public sealed class HessianTests
{
    private static Network SmallNetwork(string widths, long seed = 3)
    {
        var net = ModelZoo.Build(new ArchitectureSpec("mlp").With("widths", widths), new DataShape([1, 2, 2], 3));
        net.Bind(WeightSpace.Create(net.Layout, seed: seed));
        return net;
    }

    /// <summary>96 random 2×2 images with three classes from a fixed rule.</summary>
    private static ImageDataset Data(int n = 96)
    {
        using var g = new Generator(11);
        var x = randn([n, 1, 2, 2], generator: g);
        var y = x.flatten(1).sum(1).gt(0).to_type(ScalarType.Int64).add(x.flatten(1)[.., 0].gt(1).to_type(ScalarType.Int64));
        return new ImageDataset(x, y, new Normalization([0f], [1f]));
    }

    private static Tensor[] Random(Network net, ulong seed)
    {
        using var g = new Generator(seed);
        return net.Space.PointTensors.Select(w => randn(w.shape, generator: g).DetachFromDisposeScope()).ToArray();
    }

    [Fact]
    public void Hessian_vector_products_match_finite_differences_of_gradients()
    {
        using var data = Data();
        using var net = SmallNetwork("6");
        var hessian = new Hessian(net, BatchSources.InOrder(data));
        var v = Random(net, 1);
        var exact = hessian.Multiply(v);
        var numeric = hessian.MultiplyByDifferences(v, step: 1e-3); // small enough that no ReLU changes side (1e-2 already does here)
        double scale = ParameterVectors.Norm(exact);
        Assert.True(scale > 1e-3, $"‖Hv‖ = {scale} is too small to compare");
        var difference = exact.Zip(numeric, (a, b) => a - b).ToArray();
        Assert.True(ParameterVectors.Norm(difference) < 2e-3 * scale, $"‖Hv − finite difference‖ = {ParameterVectors.Norm(difference)}, ‖Hv‖ = {scale}");
        // and H is symmetric: ⟨u, Hv⟩ = ⟨Hu, v⟩
        var u = Random(net, 2);
        var hu = hessian.Multiply(u);
        Assert.Equal(ParameterVectors.Dot(u, exact), ParameterVectors.Dot(hu, v), 4);
    }

    [Fact]
    public void Power_iteration_finds_the_top_eigenvalue_of_a_known_quadratic()
    {
        // A = Q·diag(7, 3, 1, 0.5, 0.1, −0.2)·Qᵀ with a random orthogonal Q: the Hessian of ½·xᵀAx.
        using var g = new Generator(4);
        var (q, _) = linalg.qr(randn([6, 6], ScalarType.Float64, generator: g));
        var a = q.mm(diag(tensor(new[] { 7.0, 3, 1, 0.5, 0.1, -0.2 }))).mm(q.t()).to_type(ScalarType.Float32);
        var start = new[] { randn([6], generator: g) };
        var estimate = PowerIteration.TopEigenvalue(v => [a.mv(v[0]).DetachFromDisposeScope()], start, maxIterations: 200, tolerance: 1e-7);
        Assert.True(estimate.Converged);
        Assert.Equal(7.0, estimate.Value, 4);
    }

    [Fact]
    public void Power_iteration_on_a_network_agrees_with_the_eigenvalues_of_its_explicit_hessian()
    {
        using var data = Data();
        using var net = SmallNetwork("3");
        var hessian = new Hessian(net, BatchSources.InOrder(data));
        long n = net.Layout.TotalElements; // 27: small enough to build H column by column
        var columns = new List<Tensor>();
        for (long i = 0; i < n; i++)
        {
            var unit = zeros(n);
            unit[i].fill_(1);
            var parts = Split(net, unit);
            columns.Add(cat(hessian.Multiply(parts).Select(t => t.flatten()).ToArray()));
        }
        var h = stack(columns.ToArray(), 1).to_type(ScalarType.Float64);
        var eigenvalues = linalg.eigvalsh(h.add(h.t()).div(2)).data<double>().ToArray();
        double top = eigenvalues.MaxBy(Math.Abs);
        var estimate = PowerIteration.TopEigenvalue(hessian.Multiply, Random(net, 5), maxIterations: 500, tolerance: 1e-6);
        Assert.Equal(top, estimate.Value, 3);
    }

    private static Tensor[] Split(Network net, Tensor flat)
    {
        var parts = new Tensor[net.Layout.Count];
        long offset = 0;
        for (int p = 0; p < parts.Length; p++)
        {
            var spec = net.Layout.Specs[p];
            parts[p] = flat.narrow(0, offset, spec.Numel).view(spec.Shape);
            offset += spec.Numel;
        }
        return parts;
    }

    [Fact]
    public void Bisection_finds_a_known_threshold_crossing()
    {
        Assert.Equal(Math.Sqrt(2), DirectionalRadius.FirstCrossing(a => a * a, threshold: 2, initial: 1, bisections: 30), 8);
        // crossing below the first step: the first bracket is [0, initial]
        Assert.Equal(0.1, DirectionalRadius.FirstCrossing(a => 10 * a, threshold: 1, initial: 1, bisections: 30), 8);
        // never crossed up to max
        Assert.Equal(double.PositiveInfinity, DirectionalRadius.FirstCrossing(_ => 0.5, threshold: 1, initial: 1, max: 100));
        // the first crossing, not a later one: f rises above 1 at 3, dips, rises again at 40
        Assert.Equal(3.0, DirectionalRadius.FirstCrossing(a => a < 3 ? 0 : a < 20 ? 2 : 5, threshold: 1, initial: 1, bisections: 30), 6);
    }

    [Fact]
    public void Random_directions_are_unit_or_filter_normalised()
    {
        using var net = SmallNetwork("6");
        using var g = new Generator(9);
        var weights = net.Space.PointTensors;
        var plain = ParameterVectors.RandomDirection(weights, g, filterNormalize: false);
        Assert.Equal(1.0, ParameterVectors.Norm(plain), 5);
        var filtered = ParameterVectors.RandomDirection(weights, g, filterNormalize: true);
        for (int p = 0; p < weights.Count; p++)
        {
            if (weights[p].dim() == 1)
            {
                Assert.Equal(0f, filtered[p].abs().max().item<float>());
                continue;
            }
            Close.Assert(weights[p].detach().norm(1), filtered[p].norm(1), 1e-5);
        }
    }
}
