namespace Isthmus.Tests.Landscape;

/// <summary>
/// The Fastfood projection Pᵀ = S·H·G·Π·H·B per block (Le et al. 2013; Li et al. 2018): the fast transform equals
/// the dense matrix built from it, its transpose is that matrix's transpose, directions have unit norm on average and
/// nearly orthogonal, gradients flow through it, and a seed fixes it.
/// </summary>
public sealed class FastfoodProjectionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(32)]
    [InlineData(2048)] // three stages of dense factors
    public void The_fast_Walsh_Hadamard_transform_is_the_Sylvester_matrix(int n)
    {
        using var g = new Generator(3);
        var x = randn([5, n], generator: g);
        using var h = WalshHadamard.Matrix(n);
        Close.Assert(x.mm(h), WalshHadamard.Transform(x), 1e-4);
        Assert.True(Close.Identical(eye(n).mul(n), h.mm(h))); // H·H = n·I
    }

    [Theory]
    [InlineData(7, 16)]      // one factor
    [InlineData(5, 1024)]    // two factors
    [InlineData(3, 131072)]  // four factors
    public void Many_rows_at_once_transform_as_each_row_alone(int rows, int n)
    {
        // Several rows make every stage a batched product; one row makes the first a plain left product.
        using var g = new Generator(6);
        var x = randn([rows, n], generator: g);
        var y = WalshHadamard.Transform(x);
        var alone = cat(Enumerable.Range(0, rows).Select(r => WalshHadamard.Transform(x.narrow(0, r, 1))).ToArray(), 0);
        Close.Assert(alone, y, 1e-3);
        if (n <= 1024) Close.Assert(x.mm(WalshHadamard.Matrix(n)), y, 1e-3);
    }

    [Theory]
    [InlineData(8)]       // the in-vector strides alone
    [InlineData(32)]      // one radix-4 pass
    [InlineData(64)]      // radix 4 and a last radix-2 stride
    [InlineData(131072)]
    public void The_butterfly_kernel_equals_the_differentiable_transform(int n)
    {
        // A tensor autograd tracks goes through the matrix-product stages; a plain one through the kernel (where the CPU has AVX2).
        using var g = new Generator(8);
        var x = randn([3, n], generator: g);
        var before = x.clone();
        var tracked = x.clone().requires_grad_(true);
        using var viaProducts = WalshHadamard.Transform(tracked).detach();
        using var viaKernel = WalshHadamard.Transform(x);
        Close.Assert(viaProducts, viaKernel, 1e-4 * Math.Sqrt(n));
        Assert.True(Close.Identical(before, x)); // the input is left as it was
    }

    [Fact]
    public void A_row_length_that_is_not_a_power_of_two_is_refused_on_either_path()
    {
        using var x = randn([2, 12]);
        Assert.Throws<ArgumentException>(() => WalshHadamard.Transform(x));
        using var tracked = randn([2, 12]).requires_grad_(true);
        Assert.Throws<ArgumentException>(() => WalshHadamard.Transform(tracked));
    }

    private static Tensor Unit(int j, int d)
    {
        var e = zeros(d);
        e[j].fill_(1.0);
        return e;
    }

    /// <summary>Pᵀ column by column: Project of each unit vector.</summary>
    private static Tensor DenseFrom(FastfoodProjection p) =>
        stack(Enumerable.Range(0, p.Dimension).Select(j => p.Project(Unit(j, p.Dimension))).ToArray(), 1);

    [Theory]
    [InlineData(5, 37)]   // blocks of 8, the last truncated to 5 rows
    [InlineData(16, 64)]  // d a power of two, N a multiple of it
    [InlineData(100, 300)]
    public void Project_and_transpose_equal_the_dense_matrix_built_from_unit_vectors(int d, long n)
    {
        using var p = FastfoodProjection.Create(d, n, seed: 11);
        using var dense = DenseFrom(p); // [N, d]
        using var g = new Generator(4);
        var z = randn([d], generator: g);
        var v = randn([n], generator: g);
        Close.Assert(dense.mv(z), p.Project(z), 1e-4);
        Close.Assert(dense.t().mv(v), p.Transpose(v), 1e-4);
        if (n % WalshHadamard.CeilingPowerOfTwo(d) == 0) // whole blocks: every column has norm 1 exactly
            Close.Assert(ones(d), dense.square().sum(dim: 0), 1e-4);
    }

    [Fact]
    public void Directions_have_unit_norm_on_average_and_are_nearly_orthogonal()
    {
        const int d = 100;
        const long n = 100_000; // N not a multiple of 128: the last block is truncated
        using var p = FastfoodProjection.Create(d, n, seed: 5);
        using var dense = DenseFrom(p);
        using var gram = dense.t().mm(dense);
        var norms = gram.diagonal().sqrt();
        Assert.InRange(norms.mean().item<float>(), 0.99, 1.01);
        Assert.InRange(norms.min().item<float>(), 0.97, 1.0);
        Assert.InRange(norms.max().item<float>(), 1.0, 1.03);
        // Off-diagonal overlaps like independent Gaussian directions': standard deviation about 1/√N.
        var off = gram.sub(diag(gram.diagonal()));
        double rms = off.square().sum().item<float>() / (d * (d - 1.0));
        Assert.InRange(Math.Sqrt(rms) * Math.Sqrt(n), 0.5, 2.0);
        // ‖Pᵀz‖ ≈ ‖z‖ for random z, within a few percent.
        using var g = new Generator(8);
        for (int t = 0; t < 5; t++)
        {
            var z = randn([d], generator: g);
            double ratio = p.Project(z).norm().item<float>() / z.norm().item<float>();
            Assert.InRange(ratio, 0.95, 1.05);
        }
    }

    [Fact]
    public void Autograd_through_the_projection_matches_finite_differences_and_the_explicit_transpose()
    {
        const int d = 6;
        const long n = 200;
        using var p = FastfoodProjection.Create(d, n, seed: 2);
        using var g = new Generator(9);
        var w0 = randn([n], generator: g);
        var c = randn([n], generator: g);
        double Loss(Tensor zz) => tanh(w0.add(p.Project(zz))).mul(c).sum().item<float>();
        var z = randn([d], generator: g).mul(0.5).requires_grad_(true);
        var loss = tanh(w0.add(p.Project(z))).mul(c).sum();
        loss.backward();
        var grad = z.grad!.clone();
        using (no_grad())
        {
            // The chain rule by hand: P·(∂L/∂W) with the explicit transpose.
            var w = w0.add(p.Project(z));
            var dw = c.mul(tanh(w).square().neg().add(1));
            Close.Assert(grad, p.Transpose(dw), 1e-4);
            const float eps = 1e-2f;
            for (int j = 0; j < d; j++)
            {
                var step = Unit(j, d).mul(eps);
                double numeric = (Loss(z.add(step)) - Loss(z.sub(step))) / (2 * eps);
                Assert.True(Math.Abs(numeric - grad[j].item<float>()) < 2e-3 + 1e-2 * Math.Abs(numeric), $"z[{j}]: autograd {grad[j].item<float>()}, finite difference {numeric}");
            }
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_cut_and_another_seed_another()
    {
        using var a = FastfoodProjection.Create(50, 1000, seed: 7);
        using var b = FastfoodProjection.Create(50, 1000, seed: 7);
        using var c = FastfoodProjection.Create(50, 1000, seed: 8);
        var z = randn([50], generator: new Generator(1));
        Assert.True(Close.Identical(a.Project(z), b.Project(z)));
        Assert.Equal(a.Scale, b.Scale);
        Assert.True(a.Project(z).sub(c.Project(z)).norm().item<float>() > 0.5 * z.norm().item<float>());
    }

    [Fact]
    public void Auto_keeps_small_cuts_dense_and_takes_Fastfood_for_large_ones_or_tight_memory()
    {
        Assert.Equal(CutProjection.Dense, CutProjections.Resolve(CutProjection.Auto, 10, 1_000_000, RandomCut.DefaultMaxDenseBytes));
        Assert.Equal(CutProjection.Fastfood, CutProjections.Resolve(CutProjection.Auto, 1000, 1_000_000, RandomCut.DefaultMaxDenseBytes));
        Assert.Equal(CutProjection.Fastfood, CutProjections.Resolve(CutProjection.Auto, 10, 1_000_000, maxDenseBytes: 1 << 20));
        Assert.Equal(CutProjection.Dense, CutProjections.Resolve(CutProjection.Dense, 1000, 1_000_000, 0));
        Assert.Throws<IsthmusException>(() => CutProjections.Parse("sparse"));
    }
}
