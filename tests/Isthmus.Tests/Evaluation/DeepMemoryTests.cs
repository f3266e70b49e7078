using Isthmus.Platform;

namespace Isthmus.Tests.Evaluation;

/// <summary>Tests that measure the process's peak memory, or set the process-wide evaluation batch, run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PeakMemoryCollection
{
    public const string Name = "Peak memory";
}

[Collection(PeakMemoryCollection.Name)]
public sealed class DeepMemoryTests
{
    private static Network Build(string model, string? depth = null)
    {
        var spec = depth is null ? new ArchitectureSpec(model) : new ArchitectureSpec(model).With("depth", depth);
        var net = ModelZoo.Build(spec, new DataShape([3, 32, 32], 10));
        net.Bind(WeightSpace.Create(net.Layout, 1, CPU, 1));
        return net;
    }

    private static DataBundle Images(int count)
    {
        using var gen = new Generator(3);
        var x = randn([count, 3, 32, 32], generator: gen);
        var y = randint(10, [count], generator: gen);
        var norm = new Normalization([0f, 0f, 0f], [1f, 1f, 1f]);
        return DataBundle.ForImages("synthetic", new ImageDataset(x.clone(), y.clone(), norm), new ImageDataset(x, y, norm), classes: 10, augment: false);
    }

    [SkippableFact]
    public void Evaluating_preresnet164_keeps_about_one_blocks_activations_not_all_of_them()
    {
        Skip.IfNot(PeakMemory.Supported, "peak resident memory is read from Linux's /proc");
        const int batch = 48;
        using var net = Build("preresnet164");
        using var x = randn([batch, 3, 32, 32]);
        // The widest activation a block hands on: the first stage's bottleneck output, 4·16 channels at 32×32.
        long widest = net.WidestActivation(x);
        Assert.Equal(64L * 32 * 32, widest);
        double blockMb = widest * batch * 4 / 1e6; // 12.6 MB; all 54 blocks' intermediates together were ~2 GB

        NativeMemory.Trim();
        long before = PeakMemory.ResidentBytes;
        PeakMemory.Reset();
        using (inference_mode())
        using (NewDisposeScope())
            net.Forward(x);
        double grownMb = (PeakMemory.PeakBytes - before) / 1e6;
        // A block holds its input, output and a few intermediates; convolutions take some workspace on top.
        Assert.True(grownMb < 16 * blockMb, $"evaluating {batch} images grew the process by {grownMb:F0} MB; one block's output is {blockMb:F1} MB");
    }

    [Fact]
    public void Evaluating_in_chunks_gives_the_metrics_of_whole_batches()
    {
        using var data = Images(50);
        using var net = Build("preresnet110", depth: "8");
        var source = BatchSources.InOrder(data.Eval!);
        try
        {
            EvaluationBatch.Size = null;
            var whole = Evaluator.Evaluate(net, source);
            EvaluationBatch.Size = 7;
            var chunked = Evaluator.Evaluate(net, source);
            Assert.Equal(whole.Error, chunked.Error);
            Assert.Equal(whole.Nll, chunked.Nll, 1e-6);
            Assert.Equal(50, chunked.Count);
        }
        finally { EvaluationBatch.Size = null; }
    }

    [Fact]
    public void The_memory_budget_sets_the_chunk_for_wide_networks()
    {
        using var net = Build("preresnet110", depth: "8");
        using var x = zeros([1000, 3, 32, 32]);
        long perExample = EvaluationBatch.ActivationsPerStage * 16L * 32 * 32 * 4; // basic blocks: 16 channels at 32×32
        var budget = EvaluationBatch.MemoryBudgetBytes;
        try
        {
            Assert.Equal(1000, EvaluationBatch.For(net, x)); // 1 GiB holds 4,096 such examples
            EvaluationBatch.MemoryBudgetBytes = 100 * perExample;
            Assert.Equal(100, EvaluationBatch.For(net, x));
        }
        finally { EvaluationBatch.MemoryBudgetBytes = budget; }
    }
}
