namespace Isthmus.Tests.Ensembles;

/// <summary>
/// docs/science.md §6 metrics on a case worked by hand: 3 examples, 2 classes, labels (0, 1, 0), two members
/// A = [[.9,.1],[.35,.65],[.3,.7]] and B = [[.7,.3],[.2,.8],[.6,.4]], so the ensemble is [[.8,.2],[.275,.725],[.45,.55]]:
/// top-1 A = (0,1,1), B = (0,1,0), ensemble = (0,1,1).
/// </summary>
public sealed class EnsembleMetricsTests
{
    private static Tensor Labels => tensor(new long[] { 0, 1, 0 });
    private static Tensor A => tensor(new[] { 0.9, 0.1, 0.35, 0.65, 0.3, 0.7 }).view(3, 2);
    private static Tensor B => tensor(new[] { 0.7, 0.3, 0.2, 0.8, 0.6, 0.4 }).view(3, 2);

    private static EnsembleAccumulator TwoMembers()
    {
        var ensemble = new EnsembleAccumulator(Labels);
        ensemble.AddProbabilities(A);
        ensemble.AddProbabilities(B);
        return ensemble;
    }

    [Fact]
    public void The_ensemble_of_two_members_scores_as_computed_by_hand()
    {
        using var ensemble = TwoMembers();
        var s = ensemble.Score();
        Assert.Equal(100.0 / 3, s.Error, 9);                                            // example 3: 0.55 on the wrong class
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.725) + Math.Log(0.45)) / 3, s.Nll, 9); // NLL of the MEAN probabilities
        Assert.Equal((0.08 + 0.15125 + 0.605) / 3, s.Brier, 9);                         // Σ_c (p_c − y_c)² per example
        Assert.Equal(100 * (0.2 + 0.275 + 0.55) / 3, s.Ece, 9);                         // three bins of one example each
    }

    [Fact]
    public void Each_member_is_scored_on_its_own_when_added()
    {
        using var ensemble = new EnsembleAccumulator(Labels);
        var a = ensemble.AddProbabilities(A);
        var b = ensemble.AddProbabilities(B);
        Assert.Equal(100.0 / 3, a.Error, 9);
        Assert.Equal(0.0, b.Error, 9);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.65) + Math.Log(0.3)) / 3, a.Nll, 9);
        Assert.Equal((0.02 + 2 * 0.35 * 0.35 + 2 * 0.7 * 0.7) / 3, a.Brier, 9);
    }

    [Fact]
    public void First_k_records_the_ensemble_of_the_first_k_members()
    {
        using var ensemble = TwoMembers();
        Assert.Equal(2, ensemble.FirstK.Count);
        Assert.Equal(1, ensemble.FirstK[0].K);
        Assert.Equal(100.0 / 3, ensemble.FirstK[0].Error, 9);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.65) + Math.Log(0.3)) / 3, ensemble.FirstK[0].Nll, 9);
        Assert.Equal(ensemble.Score().Nll, ensemble.FirstK[1].Nll, 12);
        Assert.Equal(ensemble.Score().Error, ensemble.FirstK[1].Error, 12);
    }

    [Fact]
    public void Disagreement_is_the_mean_over_pairs_of_the_fraction_of_differing_top1_labels()
    {
        using var ensemble = TwoMembers();
        Assert.Equal(1.0 / 3, ensemble.Disagreement, 12);   // A and B differ on example 3 only
        var c = tensor(new[] { 0.2, 0.8, 0.4, 0.6, 0.9, 0.1 }).view(3, 2); // top-1 (1, 1, 0)
        ensemble.AddProbabilities(c);
        Assert.Equal((1.0 / 3 + 2.0 / 3 + 1.0 / 3) / 3, ensemble.Disagreement, 12); // AB, AC, BC
        var top1 = new[] { A.argmax(1), B.argmax(1), c.argmax(1) };
        Assert.Equal(4.0 / 9, EnsembleMetrics.MeanPairwiseDisagreement(top1), 12);
    }

    [Fact]
    public void Ece_averages_accuracy_and_confidence_within_a_bin_before_taking_the_gap()
    {
        // Both confidences (0.62, 0.64) fall in the bin (9/15, 10/15]: accuracy 0.5, confidence 0.63 → ECE 13 %.
        var p = tensor(new[] { 0.62, 0.38, 0.36, 0.64 }).view(2, 2);
        Assert.Equal(13.0, EnsembleMetrics.Ece(p, tensor(new long[] { 0, 0 })), 9);
    }

    [Fact]
    public void A_member_certain_of_the_wrong_class_leaves_the_ensemble_nll_finite()
    {
        using var ensemble = new EnsembleAccumulator(tensor(new long[] { 0 }));
        ensemble.Add(tensor(new[] { 0.0, -1e-3 }).view(1, 2).log_softmax(1));
        ensemble.Add(tensor(new[] { -1000.0, 0.0 }).view(1, 2).log_softmax(1)); // p_y = e^-1000: 0 in any float
        var s = ensemble.Score();
        Assert.True(double.IsFinite(s.Nll));
        Assert.Equal(-Math.Log((1 / (1 + Math.Exp(-1e-3))) / 2), s.Nll, 6);
    }
}
