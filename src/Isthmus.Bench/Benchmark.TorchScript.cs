using Isthmus.Methods;
using Isthmus.Nn;
using Isthmus.Space;
using Isthmus.Training;

namespace Isthmus.Bench;

public static partial class Benchmark
{
    /// <summary>The 3conv3fc with batch norm (width factor 0.5) written and scripted in PyTorch, as tests/fixtures holds it.</summary>
    internal const string TorchScriptConvFc = "tests/fixtures/convfc-bn-half.pt";

    /// <summary>
    /// The same architecture from the zoo and written in PyTorch (a TorchScript file with the zoo's state-dict names),
    /// blocks paired: plain steps, then curve steps (Bezier, one bend, the fused step). The ratio is what adapting a
    /// network from outside costs; nothing, ideally. Without the file (the bench run outside the repository) no rows.
    /// </summary>
    private static IEnumerable<BenchRow> TorchScriptRows(Session session, ArchitectureSpec zoo, int steps, int repeats, int batch, CancellationToken ct, Action? pairDone, Action<string>? log)
    {
        var file = FindUpwards(TorchScriptConvFc);
        if (file is null)
        {
            log?.Invoke($"torchscript rows skipped: {TorchScriptConvFc} was not found above the current folder (run the bench from the repository).");
            yield break;
        }
        var script = TorchScriptNetwork.SpecFor(file).With("reinit", "true");
        using var data = Slice(session.Data, (long)steps * batch, 1000);
        foreach (int controlPoints in new[] { 1, 3 })
        {
            using var zooNet = session.Build(zoo, controlPoints, seed: 1);
            using var scriptNet = session.Build(script, controlPoints, seed: 1);
            IPointSampler sampler = controlPoints == 1 ? FixedPoint.Instance : new CurveSampler(new Bezier(1));
            foreach (var net in new[] { zooNet, scriptNet })
                if (controlPoints > 1)
                {
                    net.Space.SetTrainable(0, false);
                    net.Space.SetTrainable(2, false);
                }
            double wd = controlPoints == 1 ? 5e-4 : 0;
            using var zooOpt = new Sgd(zooNet.Space.TrainableTensors(), 0.9, wd);
            using var scriptOpt = new Sgd(scriptNet.Space.TrainableTensors(), 0.9, wd);
            var t = Alternate(r => Phase(zooNet, zooOpt, sampler, data, batch, 5e-4, r, ct),
                r => Phase(scriptNet, scriptOpt, sampler, data, batch, 5e-4, r, ct), repeats, pairDone);
            string kind = controlPoints == 1 ? "plain step" : "curve step";
            yield return new BenchRow($"{kind}: TorchScript / zoo ({zoo})", t.Ratio, t.A * 1000, t.B * 1000, "ms/step", BenchGoal.Below(1.10),
                $"{TorchScriptConvFc}, same architecture and names{(controlPoints == 1 ? "" : "; Bezier, 1 bend")}; batch {batch}; {t.Spread}", t.CiLow, t.CiHigh);
        }
    }

    private static string? FindUpwards(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
        return null;
    }
}
