using System.Diagnostics;

namespace Isthmus.Cli.Commands;

/// <summary>
/// <c>isthmus demo</c>: the whole story in one command. It runs the same commands a user would type, in this
/// process, one after another (so every number in the report has its command beside it), records each finished
/// step in <c>demo.json</c>, and ends with <c>report.html</c>. An interrupted demo continues with <c>--resume</c>.
/// </summary>
internal static class DemoCommand
{
    public const string StateFile = "demo.json";

    /// <summary>Budgets of the demo. Quick: a 10 000-example training subset and shorter runs; same pipeline.</summary>
    internal sealed record Plan(int Subset, int Epochs, int CurveEpochs, int Points, int Grid, int FgeStart, int FgeEpochs, double FgeCycle, int SseSnapshots, int SetSamples, int SliceGrid, string? Widths = null)
    {
        public static readonly Plan Full = new(Subset: 0, Epochs: 10, CurveEpochs: 10, Points: 21, Grid: 13, FgeStart: 8, FgeEpochs: 12, FgeCycle: 2, SseSnapshots: 4, SetSamples: 60, SliceGrid: 11);
        public static readonly Plan Quick = new(Subset: 10000, Epochs: 5, CurveEpochs: 5, Points: 11, Grid: 9, FgeStart: 4, FgeEpochs: 6, FgeCycle: 1, SseSnapshots: 4, SetSamples: 30, SliceGrid: 7);
        /// <summary>The pipeline at toy size (512 examples), for the tests: every step and the report, in seconds.</summary>
        public static readonly Plan Smoke = new(Subset: 512, Epochs: 2, CurveEpochs: 1, Points: 3, Grid: 3, FgeStart: 1, FgeEpochs: 2, FgeCycle: 1, SseSnapshots: 2, SetSamples: 4, SliceGrid: 3, Widths: "64,64");

        /// <summary>Each method's budget: FGE's start plus its cycles equals two independent runs, and so does SSE.</summary>
        public int TwoRuns => 2 * Epochs;
    }

    internal sealed record Step(string Name, string[] Args);

    public static Command Create(RootCommand root)
    {
        var quick = new Option<bool>("--quick") { Description = "Smaller budgets (a 10 000-example training subset, 5-epoch runs, coarser grids): the same pipeline in under 5 minutes." };
        var smoke = new Option<bool>("--smoke") { Description = "The pipeline at toy size, for tests.", Hidden = true };
        var data = new Option<string>("--data") { Description = "Data set: mnist or fashion-mnist.", DefaultValueFactory = _ => "mnist" };
        data.AcceptOnlyFromAmong("mnist", "fashion-mnist");
        var output = CommonOptions.Out();
        var force = CommonOptions.Force();
        var resume = new Option<bool>("--resume") { Description = "Finish an interrupted demo in --out: finished steps are kept, the interrupted one continues." };
        var dataRoot = CommonOptions.DataRoot();
        var threads = CommonOptions.Threads();

        var command = new Command("demo", """
            The end-to-end demo: trains three MLPs, connects two of them with a Bezier curve and a polygonal chain,
            evaluates both curves and the straight segment, draws the loss-surface plane through the Bezier curve, builds
            an FGE ensemble, a snapshot ensemble and an independent pair at equal budgets, joins all three networks by one
            low-loss star (a shared connector point) against the straight segments between them, and writes report.html
            with every table, picture, timing and command. Full: under 20 minutes on 2 cores; --quick: under 5.

            Examples:
              ./isthmus demo --quick --out runs/demo
              ./isthmus demo --out runs/demo-full
              ./isthmus demo --out runs/demo-full --resume        (finish an interrupted demo)
            """);
        command.AddOptions([quick, smoke, data, output, force, resume, dataRoot, threads]);

        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            var plan = parse.GetValue(smoke) ? Plan.Smoke : parse.GetValue(quick) ? Plan.Quick : Plan.Full;
            var steps = Steps(plan, parse.GetValue(data)!, parse.GetValue(output)!.TrimEnd('/'));
            var shared = new List<string>();
            if (parse.GetValue(dataRoot) is { } root1) shared.AddRange(["--data-root", root1]);
            if (parse.GetValue(threads) is { } t) shared.AddRange(["--threads", t.ToString(CultureInfo.InvariantCulture)]);
            var state = OpenState(outDir, parse.GetValue(output)!, parse.GetValue(force), parse.GetValue(resume), plan);

            var clock = Stopwatch.StartNew();
            var done = new List<ReportStep>();
            for (int i = 0; i < steps.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var step = steps[i];
                var record = state.Steps[step.Name];
                if (record?["status"]?.GetValue<string>() == "complete")
                {
                    done.Add(new ReportStep(step.Name, Shown(step.Args), record["seconds"]?.GetValue<double>()));
                    continue;
                }
                var args = WithOptions(root, step.Args, shared, again: record is not null, io);
                io.Info($"[{i + 1}/{steps.Count}] {step.Name}: {Shown(step.Args)}");
                state.Steps[step.Name] = new JsonObject { ["status"] = "running", ["command"] = Shown(step.Args) };
                state.Save();
                var watch = Stopwatch.StartNew();
                int code = RunStep(root, args, io);
                if (code != 0)
                {
                    if (code == CommandRunner.Interrupted) return code;
                    throw new IsthmusException($"the demo stopped at step '{step.Name}' (exit {code}); fix the problem above, then rerun `isthmus demo --out {parse.GetValue(output)} --resume` to finish.");
                }
                state.Steps[step.Name] = new JsonObject { ["status"] = "complete", ["command"] = Shown(step.Args), ["seconds"] = Json.Number(watch.Elapsed.TotalSeconds) };
                state.Save();
                done.Add(new ReportStep(step.Name, Shown(step.Args), watch.Elapsed.TotalSeconds));
            }

            var reportPath = Path.Combine(outDir, "report.html");
            var report = HtmlReport.Write(RunCatalog.Scan([outDir]), reportPath, "Isthmus demo: mode connectivity, loss planes and fast ensembles", done);
            state.Root["status"] = "complete";
            state.Root["seconds_this_session"] = Json.Number(clock.Elapsed.TotalSeconds);
            state.Save();
            io.Result($"demo finished in {clock.Elapsed.TotalMinutes:F1} min: {reportPath} ({report.Images} pictures)",
                new JsonObject { ["out"] = outDir, ["report"] = reportPath, ["pictures"] = report.Images, ["seconds"] = Json.Number(clock.Elapsed.TotalSeconds), ["steps"] = state.Steps.DeepClone() });
            return 0;
        }));
        return command;
    }

    /// <summary>The demo's commands, in order, exactly as a user would type them.</summary>
    internal static List<Step> Steps(Plan p, string data, string outDir)
    {
        string O(string name) => $"{outDir}/{name}";
        string S(double v) => v.ToString(CultureInfo.InvariantCulture);
        var subset = p.Subset > 0 ? new[] { "--subset", S(p.Subset) } : [];
        string[] mlp = p.Widths is null ? ["--model", "mlp"] : ["--model", "mlp", "--widths", p.Widths];
        var steps = new List<Step>();
        foreach (var (name, seed) in new[] { ("a", 1), ("b", 2), ("c", 3) })
            steps.Add(new($"train {name}", ["train", "--data", data, .. mlp, "--epochs", S(p.Epochs), "--seed", S(seed), "--save-every", "1", .. subset, "--out", O(name)]));
        foreach (var curve in new[] { "bezier", "polychain" })
            steps.Add(new($"connect {curve}", ["connect", "--from", O("a"), "--to", O("b"), "--curve", curve, "--epochs", S(p.CurveEpochs), "--out", O(curve)]));
        steps.Add(new("evaluate bezier", ["eval-curve", "--run", O("bezier"), "--points", S(p.Points), "--with-segment"]));
        steps.Add(new("evaluate polychain", ["eval-curve", "--run", O("polychain"), "--points", S(p.Points)]));
        steps.Add(new("plane", ["plane", "--run", O("bezier"), "--grid", S(p.Grid)]));
        steps.Add(new("fge", ["fge", "--from", O("a"), "--start-epoch", S(p.FgeStart), "--epochs", S(p.FgeEpochs), "--cycle", S(p.FgeCycle), "--lr1", "0.025", "--lr2", "0.0005", "--out", O("fge")]));
        steps.Add(new("sse", ["sse", "--data", data, .. mlp, "--budget", S(p.TwoRuns), "--snapshots", S(p.SseSnapshots), "--lr0", "0.1", .. subset, "--out", O("sse")]));
        steps.Add(new("ensemble independent", ["ensemble", "--members", O("a"), O("b"), "--out", O("ensemble-independent")]));
        steps.Add(new("ensemble fge", ["ensemble", "--members", O("fge"), "--out", O("ensemble-fge")]));
        steps.Add(new("ensemble sse", ["ensemble", "--members", O("sse"), "--out", O("ensemble-sse")]));
        steps.Add(new("connect set", ["connect-set", "--modes", O("a"), O("b"), O("c"), "--shape", "star", "--epochs", S(p.CurveEpochs), "--out", O("star")]));
        steps.Add(new("evaluate set", ["eval-set", "--run", O("star"), "--samples", S(p.SetSamples), "--segment-points", S(p.Points), "--grid", S(p.SliceGrid), "--slices", "1"]));
        return steps;
    }

    private static string Shown(string[] args) => "./isthmus " + string.Join(' ', args);

    /// <summary>Adds the demo's shared options a step accepts, and on a second attempt --resume (or --force for steps that only write results).</summary>
    private static string[] WithOptions(RootCommand root, string[] args, List<string> shared, bool again, Output io)
    {
        var sub = root.Subcommands.First(c => c.Name == args[0]);
        bool Has(string name) => sub.Options.Any(o => o.Name == name);
        var list = new List<string>(args);
        for (int i = 0; i < shared.Count; i += 2)
            if (Has(shared[i])) list.AddRange([shared[i], shared[i + 1]]);
        if (again) list.Add(Has("--resume") ? "--resume" : "--force");
        if (io.Quiet) list.Add("--quiet");
        return list.ToArray();
    }

    /// <summary>Runs one step in this process; with --json the steps' own summaries are kept off stdout.</summary>
    private static int RunStep(RootCommand root, string[] args, Output io)
    {
        var stdout = Console.Out;
        if (io.AsJson) Console.SetOut(TextWriter.Null);
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
        }
        finally
        {
            if (io.AsJson) Console.SetOut(stdout);
        }
    }

    /// <summary><c>demo.json</c>: the plan and each step's status, written after every step.</summary>
    private sealed class State(string path, JsonObject root)
    {
        public JsonObject Root { get; } = root;
        public JsonObject Steps => (JsonObject)Root["steps"]!;
        public void Save() => Json.Write(path, Root);
    }

    private static State OpenState(string outDir, string shown, bool force, bool resume, Plan plan)
    {
        var path = Path.Combine(outDir, StateFile);
        var planJson = JsonSerializerPlan(plan);
        if (RunDirectory.Claim(outDir, shown, StateFile, force, resume))
        {
            var root = Json.ReadObject(path);
            if (root["plan"]?.ToJsonString() != planJson.ToJsonString())
                throw new IsthmusException($"{shown} holds a demo with other budgets (--quick differs); resume it with the same options, or pass --force to start over.");
            return new State(path, root);
        }
        var state = new State(path, new JsonObject { ["tool"] = "isthmus", ["command"] = "demo", ["status"] = "running", ["created_utc"] = DateTime.UtcNow.ToString("O"), ["plan"] = planJson, ["steps"] = new JsonObject() });
        state.Save();
        return state;
    }

    private static JsonNode JsonSerializerPlan(Plan plan) => JsonNode.Parse(Json.Serialize(plan))!;
}
