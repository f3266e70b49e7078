namespace Isthmus.Evaluation;

/// <summary>Where members lie in function space: coordinates on the top principal components, and the share of variance each explains.</summary>
public sealed record FunctionSpaceProjection(double[,] Coordinates, double[] ExplainedVarianceRatio);

/// <summary>
/// How different ensemble members are (docs/science.md §5, "ensembles in light of the model"; §6): pairwise disagreement of
/// their top-1 labels, cosine similarity and distance of their weights relative to a reference, and a projection of
/// their predictions onto the principal components of function space. Pure functions of tensors.
/// </summary>
public static class Diversity
{
    /// <summary>D[i, j]: the fraction of examples on which members i and j (top-1 labels, int64 [N] each) disagree.</summary>
    public static double[,] DisagreementMatrix(IReadOnlyList<Tensor> top1)
    {
        int m = top1.Count;
        var d = new double[m, m];
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
                d[i, j] = d[j, i] = EnsembleMetrics.Disagreement(top1[i], top1[j]);
        return d;
    }

    /// <summary>
    /// G[i, j] = ⟨w_i − r, w_j − r⟩ in float64 for members' flat weights (float32 [M, N]) and a reference r ([N];
    /// null = the members' mean), computed over column blocks so memory stays at a block in float64.
    /// </summary>
    public static double[,] CenteredGram(Tensor weights, Tensor? reference = null)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        long m = weights.shape[0], n = weights.shape[1];
        var r = reference?.to_type(ScalarType.Float64) ?? weights.sum([0], type: ScalarType.Float64).div(m);
        if (r.shape.Length != 1 || r.shape[0] != n) throw new ArgumentException($"The reference has shape [{string.Join(", ", r.shape)}], the members [{m}, {n}].");
        var gram = zeros([m, m], ScalarType.Float64, weights.device);
        long width = Math.Max(1024, (8L << 20) / Math.Max(1, m));
        for (long start = 0; start < n; start += width)
        {
            long len = Math.Min(width, n - start);
            var block = weights.narrow(1, start, len).to_type(ScalarType.Float64).sub(r.narrow(0, start, len));
            gram.add_(block.mm(block.t()));
        }
        return ToArray(gram);
    }

    /// <summary>cos(w_i − r, w_j − r) from a centred Gram matrix (NaN where a member is the reference itself).</summary>
    public static double[,] Cosine(double[,] gram)
    {
        int m = gram.GetLength(0);
        var c = new double[m, m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                c[i, j] = gram[i, j] / Math.Sqrt(gram[i, i] * gram[j, j]);
        return c;
    }

    /// <summary>‖w_i − w_j‖ from a centred Gram matrix (the reference cancels).</summary>
    public static double[,] Distance(double[,] gram)
    {
        int m = gram.GetLength(0);
        var d = new double[m, m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                d[i, j] = i == j ? 0 : Math.Sqrt(Math.Max(0, gram[i, i] + gram[j, j] - 2 * gram[i, j]));
        return d;
    }

    /// <summary>
    /// PCA of the members' predictions: each member is one row of <paramref name="outputs"/> ([M, F], e.g. its softmax
    /// outputs on every test example, concatenated); rows are centred on their mean and projected onto the top
    /// <paramref name="components"/> right singular vectors (torch.linalg.svd). Signs are fixed so that the first
    /// member's coordinates are not negative.
    /// </summary>
    public static FunctionSpaceProjection Project(Tensor outputs, int components = 2)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = outputs.to_type(ScalarType.Float64);
        x = x.sub(x.mean([0], keepdim: true));
        var (u, s, _) = linalg.svd(x, fullMatrices: false);
        int m = (int)outputs.shape[0], k = Math.Min(components, (int)s.shape[0]);
        var sv = s.data<double>().ToArray();
        double total = sv.Sum(v => v * v);
        var coordinates = new double[m, components];
        var u64 = u.contiguous().data<double>().ToArray();
        int cols = (int)u.shape[1];
        for (int c = 0; c < k; c++)
        {
            double sign = u64[c] < 0 ? -1 : 1;
            for (int i = 0; i < m; i++) coordinates[i, c] = sign * u64[i * cols + c] * sv[c];
        }
        var ratio = Enumerable.Range(0, components).Select(c => c < k && total > 0 ? sv[c] * sv[c] / total : 0).ToArray();
        return new FunctionSpaceProjection(coordinates, ratio);
    }

    /// <summary>The mean of <paramref name="matrix"/> over the pairs (i in <paramref name="a"/>, j in <paramref name="b"/>, i ≠ j), each unordered pair once when a = b.</summary>
    public static double MeanOver(double[,] matrix, IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        double sum = 0;
        int count = 0;
        bool same = a.SequenceEqual(b);
        foreach (var i in a)
            foreach (var j in b)
            {
                if (i == j || (same && j < i)) continue;
                sum += matrix[i, j];
                count++;
            }
        return count == 0 ? double.NaN : sum / count;
    }

    private static double[,] ToArray(Tensor square)
    {
        int m = (int)square.shape[0];
        var flat = square.contiguous().data<double>().ToArray();
        var a = new double[m, m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) a[i, j] = flat[i * m + j];
        return a;
    }
}
