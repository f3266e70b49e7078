using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Methods;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Space;
using Isthmus.Storage;

namespace Isthmus.Studies;

/// <summary>One ensemble of the table, scored on the test set.</summary>
/// <param name="MemberEpochs">For each member in order, the epochs of training the method had spent when it was ready (Figure 3 right).</param>
public sealed record CellScore(Cell Cell, EnsembleScore Ensemble, double Disagreement, double MeanMemberError, double MeanMemberNll, IReadOnlyList<FirstK> FirstK, IReadOnlyList<double> MemberEpochs)
{
    public int Members => FirstK.Count;
}

/// <summary>The diversity of the networks of one group (the members of one run, or one seed's independent runs).</summary>
/// <param name="Disagreement">Mean pairwise fraction of test points whose top-1 labels differ.</param>
/// <param name="Distance">Mean ‖w_k − w_{k−1}‖ between consecutive networks.</param>
public sealed record GroupDiversity(string Method, string Group, int Networks, double Disagreement, double Distance, double MeanError);

/// <summary>
/// Scores every network the comparison's ensembles use exactly once, then every ensemble from those scores. FGE and SSE
/// members come with the test log-probabilities their own run kept (<see cref="MemberPredictions"/>); Ind models are
/// scored here, with batch norm recomputed like every member (<see cref="MemberEvaluator"/>). Ensembles of different
/// budgets share networks, never passes over the data.
/// </summary>
internal static class CompareEvaluation
{
    private sealed record Network(string Key, string File, double Epoch);

    public static (IReadOnlyList<CellScore> Cells, IReadOnlyList<GroupDiversity> Diversity) Evaluate(ComparePlan plan, RunDirectory compare, Session session,
        ArchitectureSpec architecture, Action<string>? log, CancellationToken ct)
    {
        var runs = plan.Runs.ToDictionary(r => r.Name);
        var membersOf = new Dictionary<string, List<Member>>();
        List<Network> NetworksOf(Pick pick)
        {
            var run = runs[pick.Run];
            var path = compare.File(run.Name);
            if (run.Kind == SubRunKind.Train)
                return [new Network($"{run.Name}/model", Path.Combine(path, TrainedRun.ModelFile), pick.EpochOffset + run.Epochs)];
            if (!membersOf.TryGetValue(run.Name, out var members))
                membersOf[run.Name] = members = MemberTraining.Read(RunDirectory.Open(path));
            return members.Where(m => pick.UpToIteration is not { } last || m.Iteration <= last)
                .Select(m => new Network($"{run.Name}/{m.Index}", Path.Combine(path, m.File), pick.EpochOffset + m.Epoch)).ToList();
        }
        var cellNetworks = plan.Cells.Select(c => c.Picks.SelectMany(NetworksOf).ToList()).ToList();
        // Diversity (docs/science.md §4): the members of each FGE or SSE run among themselves; each seed's independent runs.
        int kmax = plan.Cells.Max(c => c.K);
        var groups = membersOf.Keys.Order().Select(r => (Method: runs[r].Kind == SubRunKind.Fge ? "fge" : "sse", Group: r, Networks: NetworksOf(new Pick(r, null, 0))))
            .Concat(plan.Cells.Where(c => c.Method == "ind" && c.K == kmax)
                .Select(c => (Method: "ind", Group: $"ind-s{c.Seed}", Networks: c.Picks.SelectMany(NetworksOf).ToList())))
            .Where(g => g.Networks.Count > 1).ToList();

        using var net = session.Build(architecture, controlPoints: 1, seed: 0);
        using var space = net.Space;
        var evaluator = new MemberEvaluator(BatchSources.TrainingForEvaluation(session.Data), BatchSources.Evaluation(session.Data));
        var logProbabilities = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, members) in membersOf)
            {
                var stored = MemberPredictions.Read(compare.File(name));
                foreach (var m in members)
                    if (stored.Remove(m.Index, out var lp)) logProbabilities[$"{name}/{m.Index}"] = lp;
                foreach (var t in stored.Values) t.Dispose();
            }
            var toScore = cellNetworks.SelectMany(n => n).Concat(groups.SelectMany(g => g.Networks)).DistinctBy(n => n.Key).Where(n => !logProbabilities.ContainsKey(n.Key)).ToList();
            foreach (var (n, i) in toScore.Select((n, i) => (n, i)))
            {
                log?.Invoke($"Scoring {n.Key} ({i + 1} of {toScore.Count}){(net.HasBatchNorm ? ", batch norm recomputed" : "")}...");
                Checkpoint.Load(n.File, net);
                logProbabilities[n.Key] = evaluator.Evaluate(net, ct).LogProbabilities;
            }

            var labels = session.Data.Eval!.Labels;
            var cells = plan.Cells.Select((cell, i) =>
            {
                using var ensemble = new EnsembleAccumulator(labels);
                var own = cellNetworks[i].Select(n => ensemble.Add(logProbabilities[n.Key])).ToList();
                return new CellScore(cell, ensemble.Score(), ensemble.Disagreement, own.Average(o => o.Error), own.Average(o => o.Nll), ensemble.FirstK.ToList(), cellNetworks[i].Select(n => n.Epoch).ToList());
            }).ToList();

            var diversity = new List<GroupDiversity>();
            foreach (var (method, group, networks) in groups)
            {
                using var together = new EnsembleAccumulator(labels);
                var own = networks.Select(n => together.Add(logProbabilities[n.Key])).ToList();
                using var trajectory = new WeightTrajectory();
                foreach (var n in networks)
                {
                    Checkpoint.Load(n.File, net);
                    trajectory.Add(space.ControlTensors(0));
                }
                diversity.Add(new GroupDiversity(method, group, networks.Count, together.Disagreement, trajectory.Steps.Average(), own.Average(o => o.Error)));
            }
            return (cells, diversity);
        }
        finally
        {
            foreach (var t in logProbabilities.Values) t.Dispose();
        }
    }
}
