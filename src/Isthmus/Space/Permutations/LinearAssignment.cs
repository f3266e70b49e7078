namespace Isthmus.Space.Permutations;

/// <summary>
/// The linear assignment problem: the permutation σ maximising Σ_i S[i, σ(i)] over a square score matrix, as every step
/// of weight and activation matching needs (Ainsworth et al. 2022, §3.1–3.2). Solved by the Hungarian method with
/// potentials and shortest augmenting paths (Kuhn 1955; Jonker and Volgenant 1987), O(n³); NuGet serves no
/// maintained solver.
/// </summary>
public static class LinearAssignment
{
    /// <summary>σ with σ[i] the column given to row i, maximising the summed scores of <paramref name="scores"/>.</summary>
    public static long[] Maximise(double[,] scores)
    {
        int n = scores.GetLength(0);
        if (scores.GetLength(1) != n) throw new ArgumentException("The score matrix must be square.", nameof(scores));
        // Minimise the negated scores; rows and columns are 1-based, index 0 is the virtual start of each augmenting path.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var rowOf = new int[n + 1];   // the row matched to each column
        var way = new int[n + 1];     // previous column on the shortest path
        var minv = new double[n + 1];
        var used = new bool[n + 1];
        for (int i = 1; i <= n; i++)
        {
            rowOf[0] = i;
            int j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Fill(used, false);
            do
            {
                used[j0] = true;
                int i0 = rowOf[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    double reduced = -scores[i0 - 1, j - 1] - u[i0] - v[j];
                    if (reduced < minv[j]) { minv[j] = reduced; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                if (j1 == 0) throw new ArgumentException("The score matrix holds values that are not finite.", nameof(scores));
                for (int j = 0; j <= n; j++)
                {
                    if (used[j]) { u[rowOf[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (rowOf[j0] != 0);
            do
            {
                int j1 = way[j0];
                rowOf[j0] = rowOf[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var sigma = new long[n];
        for (int j = 1; j <= n; j++) sigma[rowOf[j] - 1] = j - 1;
        return sigma;
    }
}
