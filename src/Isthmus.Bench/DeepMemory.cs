using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Nn;
using Isthmus.Platform;
using Isthmus.Training;
using static TorchSharp.torch;

namespace Isthmus.Bench;

/// <summary>Time per training step and evaluation pass of one network, with the process's resident memory over each.</summary>
/// <param name="BaselineMb">Resident memory before the steps (network, optimizer state and data in memory).</param>
/// <param name="TrainPeakMb">Peak resident memory over the training steps.</param>
/// <param name="EvalPeakMb">Peak resident memory over the evaluation pass.</param>
public sealed record DeepMemoryRow(string Model, int Batch, int EvalBatch, long Parameters, double StepSeconds, double EvalSeconds,
    double BaselineMb, double TrainPeakMb, double EvalPeakMb);

/// <summary>Settings of one <see cref="DeepMemory.Measure"/>.</summary>
/// <param name="Steps">Timed training steps (after one untimed warm-up step).</param>
/// <param name="EvalExamples">Examples in the evaluation pass.</param>
public sealed record DeepMemorySettings(ArchitectureSpec Spec, int Batch = 64, int Steps = 3, int EvalBatch = 1000, int EvalExamples = 1000,
    int ImageSize = 32, int Classes = 10, int Bptt = 35);

/// <summary>
/// Measures what deep networks cost on synthetic data of CIFAR's shape (or token streams for the language model): the
/// trainer's step (forward, cross-entropy, backward, SGD with momentum and weight decay) and one
/// <see cref="Evaluator.Evaluate"/> pass, each with the peak resident memory of the process over it
/// (<see cref="PeakMemory"/>). tools/memory_vs_pytorch.py runs the same work in PyTorch and prints both side by side.
/// </summary>
public static class DeepMemory
{
    public static DeepMemoryRow Measure(DeepMemorySettings s, CancellationToken ct = default)
    {
        bool text = ModelZoo.IsLanguageModel(s.Spec.Name);
        var shape = text ? new DataShape([], s.Classes) : new DataShape([3, s.ImageSize, s.ImageSize], s.Classes);
        manual_seed(1);
        using var net = ModelZoo.Build(s.Spec, shape);
        net.Bind(WeightSpace.Create(net.Layout, 1, CPU, 1));
        using var optimizer = new Sgd(net.Space.TrainableTensors(), 0.9, 5e-4);
        using var batches = new SyntheticBatches(text, s, s.Batch, (s.Steps + 1) * (long)s.Batch);
        using var evalBatches = new SyntheticBatches(text, s, s.EvalBatch, s.EvalExamples);

        Step(net, optimizer, batches, 0); // warm-up: optimizer state and libtorch's caches exist from here on
        NativeMemory.Trim();
        double baseline = PeakMemory.ResidentBytes / 1e6;
        PeakMemory.Reset();
        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= s.Steps; i++)
        {
            ct.ThrowIfCancellationRequested();
            Step(net, optimizer, batches, i);
        }
        double step = clock.Elapsed.TotalSeconds / s.Steps;
        double trainPeak = PeakMemory.PeakBytes / 1e6;

        NativeMemory.Trim();
        PeakMemory.Reset();
        clock.Restart();
        Evaluator.Evaluate(net, evalBatches, ct);
        double eval = clock.Elapsed.TotalSeconds;
        double evalPeak = PeakMemory.PeakBytes / 1e6;
        return new DeepMemoryRow(s.Spec.ToString(), s.Batch, s.EvalBatch, net.Layout.TotalElements, step, eval, baseline, trainPeak, evalPeak);
    }

    /// <summary>One step as the trainer takes it (Training.Trainer), for a single point.</summary>
    private static void Step(Network net, Sgd optimizer, IBatchSource data, int index)
    {
        net.Training = true;
        using var scope = NewDisposeScope();
        if (data.IsSequence) net.DetachState();
        var (x, y) = data.Batch(index);
        var nll = nn.functional.cross_entropy(net.Forward(x), y);
        nll.backward();
        net.Space.PushGradientsToControls(5e-4);
        optimizer.Step(0.01, releaseGradients: true);
    }

    /// <summary>Normal images (or uniform tokens) and labels, made once, served in order.</summary>
    private sealed class SyntheticBatches : IBatchSource, IDisposable
    {
        private readonly Tensor _x, _y;
        private readonly int _batch;

        public SyntheticBatches(bool text, DeepMemorySettings s, int batch, long examples)
        {
            _batch = batch;
            var g = new Generator(7);
            IsSequence = text;
            if (text)
            {
                // Token streams: [T·batches, B] ids; targets are the next tokens, flattened per chunk as the LSTM's logits.
                long chunks = Math.Max(1, examples / batch);
                _x = randint(s.Classes, [chunks * s.Bptt, batch], generator: g).DetachFromDisposeScope();
                _y = randint(s.Classes, [chunks * s.Bptt, batch], generator: g).DetachFromDisposeScope();
                BatchesPerEpoch = (int)chunks;
                Examples = chunks * s.Bptt * batch;
                _bptt = s.Bptt;
            }
            else
            {
                _x = randn([examples, 3, s.ImageSize, s.ImageSize], generator: g).DetachFromDisposeScope();
                _y = randint(s.Classes, [examples], generator: g).DetachFromDisposeScope();
                BatchesPerEpoch = (int)((examples + batch - 1) / batch);
                Examples = examples;
            }
        }

        private readonly int _bptt;
        public int BatchesPerEpoch { get; }
        public long Examples { get; }
        public bool IsSequence { get; }
        public void BeginEpoch(int epoch) { }

        public (Tensor X, Tensor Y) Batch(int index)
        {
            index %= BatchesPerEpoch;
            if (IsSequence) return (_x.narrow(0, index * _bptt, _bptt), _y.narrow(0, index * _bptt, _bptt).reshape(-1));
            long start = (long)index * _batch, n = Math.Min(_batch, Examples - start);
            return (_x.narrow(0, start, n), _y.narrow(0, start, n));
        }

        public void Dispose()
        {
            _x.Dispose();
            _y.Dispose();
        }
    }
}
