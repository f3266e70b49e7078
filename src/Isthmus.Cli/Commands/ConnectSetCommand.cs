using Isthmus.Space;
using Isthmus.Training;

namespace Isthmus.Cli.Commands;

internal static class ConnectSetCommand
{
    public static Command Create()
    {
        var modes = CommonOptions.Runs("--modes", "Two or more finished `isthmus train` runs of one architecture and data set (fixed).");
        var shape = new Option<string>("--shape") { Description = "star: every mode joined by an edge to the nearest connector; complex: a triangle (mode_i, mode_j, connector) for every pair of modes.", DefaultValueFactory = _ => "star" };
        shape.AcceptOnlyFromAmong([.. SimplicialComplex.Shapes]);
        var connectors = new Option<int>("--connectors") { Description = "Trainable connector points M (1 to the number of modes); each starts at the centroid of the modes it joins.", DefaultValueFactory = _ => 1 };
        var sampleBy = new Option<string>("--sample-by") { Description = "A simplex is drawn with probability proportional to its number of edges, or to its current volume (re-measured every epoch).", DefaultValueFactory = _ => "edges" };
        sampleBy.AcceptOnlyFromAmong([.. SimplexSampler.Weightings]);
        var volumeWeight = new Option<double>("--volume-weight") { Description = "λ of the volume term −λ·log Vol(sampled simplex) added to the loss, to grow the subspace (Benton et al. 2021); 0 = none.", DefaultValueFactory = _ => 0 };
        var sgd = new SgdOptions(
            seedDescription: "Random seed (the simplex and barycentric weights drawn per minibatch, batch order, dropout).",
            saveEveryDescription: "Keep checkpoint-<epoch>.safetensors (every control point) every K epochs (0 = only the final set).");
        var wd = new Option<double?>("--wd") { Description = "Weight decay on the sampled point (default: the first mode's --wd)." };
        var invocation = new InvocationOptions();
        var output = CommonOptions.Out();
        var checkpoints = new CheckpointKindOptions("modes");

        var command = new Command("connect-set", """
            Join a set of trained networks (modes) by a low-loss subspace (Fort & Jastrzebski 2019; docs/science.md §5): the modes
            stay fixed, M connector points are trained, and together they form a simplicial complex. Each minibatch draws
            one simplex and a point in it with barycentric weights ~ Dirichlet(1) (uniform on the simplex) and takes an SGD
            step on the connectors, with weight decay on the point — eq. (2) of Garipov et al. generalised. Architecture,
            data and --wd come from the first mode. Writes set.safetensors (every control point: modes, then connectors),
            metrics.csv (train columns: running means over the sampled points; test columns: the first connector) and
            manifest.json (the simplices, each connector's metrics with batch norm recomputed) to --out;
            `isthmus eval-set --run DIR` then measures the whole subspace.

            Examples:
              ./isthmus connect-set --modes runs/a runs/b runs/c --shape star --epochs 6 --out runs/star
              ./isthmus connect-set --modes runs/a runs/b runs/c runs/d runs/e --shape star --out runs/star5
              ./isthmus connect-set --modes runs/a runs/b runs/c --shape complex --volume-weight 0.01 --out runs/triangles
              ./isthmus connect-set --modes a.pt b.pt c.pt --model torchscript:net.pt --data fashion-mnist --out runs/star
              ./isthmus connect-set --out runs/star --resume        (continue an interrupted run)
            """);
        command.AddOptions([modes, .. checkpoints.All, shape, connectors, sampleBy, volumeWeight, sgd.Epochs, sgd.BatchSize, sgd.Lr, sgd.Momentum, wd, sgd.Schedule, sgd.Seed, sgd.SaveEvery, invocation.DataRoot, invocation.Threads, invocation.Device, output, invocation.Force, sgd.Resume]);

        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var settings = invocation.Read(parse, sgd.Read(parse, new ConnectSetSettings
            {
                Modes = CommonOptions.ReadRuns(parse, modes, 2, int.MaxValue, "runs/a runs/b runs/c") ?? [],
                Data = checkpoints.Read(parse).Data,
                Model = checkpoints.Read(parse).Model,
                Out = parse.GetValue(output)!,
                Shape = parse.GetValue(shape)!,
                Connectors = parse.GetValue(connectors),
                SampleBy = parse.GetValue(sampleBy)!,
                VolumeWeight = parse.GetValue(volumeWeight),
                WeightDecay = parse.GetValue(wd),
            }));
            var outcome = TrainingProgressBar.Run(io, "connect-set", progress => ConnectSetRecipe.Run(settings, null, progress, io.Info, ct));
            var json = new JsonObject
            {
                ["run"] = outcome.RunPath,
                ["already_complete"] = outcome.AlreadyComplete,
                ["shape"] = outcome.Shape,
                ["modes"] = outcome.Modes,
                ["connectors"] = new JsonArray(outcome.ConnectorMetrics.Select(m => (JsonNode)MetricsSection.Json(m.TrainLoss, m.Train, m.Test, text: false)).ToArray()),
                ["simplices"] = outcome.Simplices,
                ["seconds_per_epoch"] = outcome.Epochs.Count == 0 ? null : Math.Round(outcome.Epochs.Average(e => e.Seconds), 3),
                ["seconds"] = Math.Round(outcome.Seconds, 2),
            };
            var note = outcome.AlreadyComplete ? " (already complete; nothing to do)" : $" in {outcome.Seconds:F0} s";
            var scores = string.Join(", ", outcome.ConnectorMetrics.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"connector {i + 1} train loss {m.TrainLoss:F4}, test error {m.Test.Error:F2}%")));
            io.Result($"joined {outcome.Modes} modes in {settings.Out} by a {outcome.Shape} of {Words.Count(outcome.Simplices, "simplex", "simplices")}{note}: {scores}; measure it with `isthmus eval-set --run {settings.Out}`", json);
            return 0;
        }));
        return command;
    }
}
