using Isthmus.Space.Permutations;

namespace Isthmus.Tests.Alignment;

public class LinearAssignmentTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(8)]
    public void Agrees_with_brute_force_on_small_random_matrices(int n)
    {
        var rng = new Random(100 + n);
        for (int trial = 0; trial < 20; trial++)
        {
            var s = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    s[i, j] = trial % 2 == 0 ? rng.NextDouble() * 10 - 5 : rng.Next(4); // integer scores have ties
            var sigma = LinearAssignment.Maximise(s);
            Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i), sigma.Order());
            Assert.Equal(BestByBruteForce(s), Total(s, sigma), 9);
        }
    }

    [Fact]
    public void Finds_the_planted_permutation()
    {
        var rng = new Random(1);
        var planted = Enumerable.Range(0, 50).Select(i => (long)i).ToArray();
        rng.Shuffle(planted);
        var s = new double[50, 50];
        for (int i = 0; i < 50; i++)
            for (int j = 0; j < 50; j++)
                s[i, j] = rng.NextDouble() + (planted[i] == j ? 1 : 0);
        Assert.Equal(planted, LinearAssignment.Maximise(s));
    }

    private static double Total(double[,] s, IReadOnlyList<long> sigma) => sigma.Select((j, i) => s[i, j]).Sum();

    private static double BestByBruteForce(double[,] s)
    {
        int n = s.GetLength(0);
        double best = double.NegativeInfinity;
        void Search(int row, bool[] taken, double sum)
        {
            if (row == n) { best = Math.Max(best, sum); return; }
            for (int j = 0; j < n; j++)
            {
                if (taken[j]) continue;
                taken[j] = true;
                Search(row + 1, taken, sum + s[row, j]);
                taken[j] = false;
            }
        }
        Search(0, new bool[n], 0);
        return best;
    }
}
