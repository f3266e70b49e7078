namespace Isthmus.Tests.Ensembles;

/// <summary>Disagreement, cosine and distance matrices and the function-space projection, on examples worked out by hand.</summary>
public sealed class DiversityTests
{
    [Fact]
    public void Disagreement_is_the_fraction_of_differing_top1_labels_for_every_pair()
    {
        var top1 = new[] { tensor(new long[] { 0, 1, 2, 3 }), tensor(new long[] { 0, 1, 2, 0 }), tensor(new long[] { 1, 1, 2, 0 }) };
        var d = Diversity.DisagreementMatrix(top1);
        Assert.Equal(0.0, d[0, 0]);
        Assert.Equal(0.25, d[0, 1], 12);
        Assert.Equal(0.5, d[0, 2], 12);
        Assert.Equal(0.25, d[1, 2], 12);
        Assert.Equal(d[2, 1], d[1, 2]);
        // within {0, 1, 2}: (0.25 + 0.5 + 0.25) / 3; between {0} and {1, 2}: (0.25 + 0.5) / 2
        Assert.Equal(1.0 / 3, Diversity.MeanOver(d, [0, 1, 2], [0, 1, 2]), 12);
        Assert.Equal(0.375, Diversity.MeanOver(d, [0], [1, 2]), 12);
    }

    [Fact]
    public void Cosines_are_of_displacements_from_the_reference_and_distances_do_not_depend_on_it()
    {
        var w = tensor(new float[,] { { 3, 0, 0 }, { 1, 2, 0 }, { 5, 0, 0 } });
        var origin = zeros(3);
        var fromOrigin = Diversity.CenteredGram(w, origin);
        var cos = Diversity.Cosine(fromOrigin);
        Assert.Equal(1.0, cos[0, 2], 12);                    // same direction, other length
        Assert.Equal(3 / Math.Sqrt(5) / 3, cos[0, 1], 12);   // (3·1)/(3·√5)
        var fromFirst = Diversity.Cosine(Diversity.CenteredGram(w, w[0]));
        Assert.Equal(-1 / Math.Sqrt(2), fromFirst[1, 2], 6);   // w1 − w0 = (−2, 2, 0), w2 − w0 = (2, 0, 0)
        Assert.True(double.IsNaN(fromFirst[0, 1]));          // member 0 is the reference itself
        var fromMean = Diversity.CenteredGram(w);             // the mean (3, 2/3, 0)
        Assert.Equal(0.0, Enumerable.Range(0, 3).Sum(j => fromMean[0, j]), 9); // centred rows sum to zero
        foreach (var gram in new[] { fromOrigin, fromMean })
        {
            var d = Diversity.Distance(gram);
            Assert.Equal(Math.Sqrt(8), d[0, 1], 6);
            Assert.Equal(2.0, d[0, 2], 6);
            Assert.Equal(0.0, d[1, 1]);
        }
    }

    [Fact]
    public void The_first_principal_component_separates_two_clusters_of_predictions()
    {
        var outputs = tensor(new float[,]
        {
            { 0.9f, 0.1f, 0.8f, 0.2f }, { 0.8f, 0.2f, 0.9f, 0.1f }, // cluster A
            { 0.1f, 0.9f, 0.2f, 0.8f }, { 0.2f, 0.8f, 0.1f, 0.9f }, // cluster B
        });
        var p = Diversity.Project(outputs);
        Assert.True(p.Coordinates[0, 0] > 0, "the first member's coordinate is made non-negative");
        Assert.True(p.Coordinates[1, 0] > 0.5 && p.Coordinates[2, 0] < -0.5 && p.Coordinates[3, 0] < -0.5, "PC 1 splits A from B");
        Assert.True(p.ExplainedVarianceRatio[0] > 0.95, $"PC 1 explains {p.ExplainedVarianceRatio[0]:P1}");
        Assert.Equal(1.0, p.ExplainedVarianceRatio.Sum(), 6);   // centred 4 × 4 data of rank 2: two components explain it all
        // the projection preserves distances between cluster centres: |A − B| = √(4·0.7²) = 1.4 along PC 1
        Assert.Equal(1.4, (p.Coordinates[0, 0] + p.Coordinates[1, 0] - p.Coordinates[2, 0] - p.Coordinates[3, 0]) / 2, 2);
    }
}
