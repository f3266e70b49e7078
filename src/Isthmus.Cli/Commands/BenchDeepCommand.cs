using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Isthmus.Bench;
using Isthmus.Platform;
using Isthmus.Storage;
using Spectre.Console;

namespace Isthmus.Cli.Commands;

/// <summary><c>isthmus bench deep</c>: step time and peak memory of one network on synthetic data of CIFAR's shape.</summary>
internal static class BenchDeepCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var batch = new Option<int>("--batch-size") { Description = "Training minibatch.", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "Timed training steps (after one warm-up step).", DefaultValueFactory = _ => 3 };
        var evalExamples = new Option<int>("--eval-examples") { Description = "Examples (or token columns) in the evaluation pass.", DefaultValueFactory = _ => 1000 };
        var threads = CommonOptions.Threads();
        var command = new Command("deep", """
            Time a training step and an evaluation pass of one network on synthetic data of CIFAR-10's shape (32×32×3,
            10 classes; token ids of a 10,000-word vocabulary for lstm-lm) and record the process's peak resident memory
            over each. The evaluation runs --eval-examples in batches of --eval-batch-size (1000 images or 10 token
            columns by default). tools/memory_vs_pytorch.py runs the same work in PyTorch and prints both (docs/performance.md).

            Examples:
              ./isthmus bench deep --model preresnet164 --batch-size 64
              ./isthmus bench deep --model vgg16 --bn --steps 2 --eval-batch-size 250 --json
            """);
        foreach (var o in model.All.Concat<Option>([batch, steps, evalExamples, threads])) command.Options.Add(o);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var spec = model.Read(parse) ?? throw new IsthmusException("bench deep needs --model; see `isthmus bench deep --help`.");
            if (parse.GetValue(batch) < 1 || parse.GetValue(steps) < 1 || parse.GetValue(evalExamples) < 1)
                throw new IsthmusException("--batch-size, --steps and --eval-examples must be at least 1.");
            Compute.ConfigureThreads(parse.GetValue(threads));
            bool text = Isthmus.Nn.ModelZoo.IsLanguageModel(spec.Name);
            var r = DeepMemory.Measure(new DeepMemorySettings(spec, parse.GetValue(batch), parse.GetValue(steps), Isthmus.Evaluation.EvaluationBatch.Size ?? (text ? 10 : 1000),
                parse.GetValue(evalExamples), Classes: text ? 10000 : 10), ct);
            var json = new JsonObject
            {
                ["command"] = "isthmus " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                ["threads"] = TorchSharp.torch.get_num_threads(),
                ["model"] = r.Model, ["parameters"] = r.Parameters, ["batch"] = r.Batch, ["eval_batch"] = r.EvalBatch,
                ["step_s"] = Json.Number(r.StepSeconds), ["eval_s"] = Json.Number(r.EvalSeconds),
                ["baseline_mb"] = Json.Number(r.BaselineMb), ["train_peak_mb"] = Json.Number(r.TrainPeakMb), ["eval_peak_mb"] = Json.Number(r.EvalPeakMb),
            };
            var table = new Table().AddColumns("model", "params", "batch", "step (s)", "eval pass (s)", "resident before (MB)", "peak training (MB)", "peak evaluation (MB)");
            table.AddRow(Markup.Escape(r.Model), r.Parameters.ToString("N0", CultureInfo.InvariantCulture), $"{r.Batch} / {r.EvalBatch}",
                r.StepSeconds.ToString("F3", CultureInfo.InvariantCulture), r.EvalSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.BaselineMb.ToString("F0", CultureInfo.InvariantCulture), r.TrainPeakMb.ToString("F0", CultureInfo.InvariantCulture),
                r.EvalPeakMb.ToString("F0", CultureInfo.InvariantCulture));
            return BenchCommand.Report(io, null, json, table);
        }));
        return command;
    }
}
