using static TorchSharp.torch;

namespace Isthmus.Nn;

/// <summary>
/// What <see cref="ModuleNetwork"/> learns from a module by running it, before anything else does: each batch-norm
/// layer's per-batch factor (see <see cref="ModuleBatchNorm"/>), and whether its batch norm follows train and eval
/// mode at all. A module traced with <c>torch.jit.trace</c> froze the mode it was traced in: traced in eval mode, its
/// statistics never move; traced in train mode, it normalises with batch statistics even in eval mode. Either would
/// silently give wrong numbers, so both are refused.
/// </summary>
internal static class ModuleChecks
{
    private const int ProbeBatch = 4;

    /// <param name="who">The module as messages name it.</param>
    /// <param name="advice">How to fix a module whose batch norm ignores the mode (ends the refusal).</param>
    public static void MeasureBatchNorm(nn.Module module, Func<Tensor, Tensor> forward, IReadOnlyList<ModuleBatchNorm> norms, DataShape data, string who, string advice)
    {
        if (norms.Count == 0) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var buffers = module.named_buffers().Select(b => b.buffer).ToList();
        var saved = buffers.Select(b => b.clone()).ToList();
        var rng = torch.random.get_rng_state();
        using var gen = new Generator(0);
        var x = randn([ProbeBatch, .. data.InputShape], generator: gen);
        try
        {
            // From running mean r0 a layer leaves (1 − f)·r0 + f·b: the same batch from r0 = 0 and r0 = 1 gives f.
            var fromZero = TrainStep(module, forward, norms, x, 0);
            var fromOne = TrainStep(module, forward, norms, x, 1);
            for (int i = 0; i < norms.Count; i++)
            {
                double f = 1.0 - (fromOne[i] - fromZero[i]).to_type(ScalarType.Float64).mean().item<double>();
                if (!(f > 1e-6))
                    throw new IsthmusException($"{who}: batch-norm layer '{norms[i].Name}' does not update its statistics in train mode, as a module traced with torch.jit.trace in eval mode does; {advice}.");
                norms[i].Factor = Math.Round(f, 6);
            }
            Restore(buffers, saved);
            module.eval();
            forward(x);
            if (buffers.Zip(saved).Any(p => !p.First.equal(p.Second).all().item<bool>()))
                throw new IsthmusException($"{who}: its batch norm updates its statistics in eval mode, as a module traced with torch.jit.trace in train mode does; {advice}.");
        }
        catch (Exception e) when (e is not IsthmusException)
        {
            throw new IsthmusException($"{who} does not run on a batch of shape [{ProbeBatch}, {string.Join(", ", data.InputShape)}] (the data set's): {e.Message.Split('\n')[0]}", e);
        }
        finally
        {
            Restore(buffers, saved);
            torch.random.set_rng_state(rng);
        }
    }

    /// <summary>One train-mode forward pass from running means <paramref name="start"/> and zero counts, dropout seeded alike.</summary>
    private static Tensor[] TrainStep(nn.Module module, Func<Tensor, Tensor> forward, IReadOnlyList<ModuleBatchNorm> norms, Tensor x, double start)
    {
        foreach (var n in norms)
        {
            n.RunningMean.fill_(start);
            n.BeforeCountedBatch();
        }
        torch.random.manual_seed(0);
        module.train();
        forward(x);
        return norms.Select(n => n.RunningMean.clone()).ToArray();
    }

    private static void Restore(List<Tensor> buffers, List<Tensor> saved)
    {
        for (int i = 0; i < buffers.Count; i++) buffers[i].copy_(saved[i]);
    }
}
