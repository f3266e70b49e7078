using Isthmus.Space.Permutations;

namespace Isthmus.Tests.Alignment;

/// <summary>Networks of the zoo at random points, random 28×28 images to feed them, and permuted copies.</summary>
internal static class AlignmentFixtures
{
    public static ArchitectureSpec Spec(string model, string options)
    {
        var spec = new ArchitectureSpec(model);
        foreach (var kv in options.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(o => o.Split('=')))
            spec = spec.With(kv[0], kv[1]);
        return spec;
    }

    /// <summary>A network of <paramref name="spec"/> at a random point (batch-norm statistics unlike the defaults).</summary>
    public static Network Random(ArchitectureSpec spec, long seed, int controlPoints = 1) =>
        AtRandomPoint(ModelZoo.Build(spec, new DataShape([1, 28, 28], 10)), seed, controlPoints);

    /// <summary><paramref name="net"/>, unbound, bound to a random point as <see cref="Random"/> makes it.</summary>
    public static Network AtRandomPoint(Network net, long seed, int controlPoints = 1)
    {
        net.Bind(WeightSpace.Create(net.Layout, controlPoints, seed: seed));
        using (no_grad())
        {
            foreach (var (name, t) in net.Buffers.All)
                if (name.EndsWith("running_mean")) t.normal_(0, 0.5); else if (name.EndsWith("running_var")) t.uniform_(0.5, 2);
            // Biases and batch-norm scales as training leaves them, not as VGG's and the ResNets' init does (zero, one):
            // constant vectors tell units apart no better than weight matching's other terms, which only become
            // informative once the neighbouring groups are matched, so a deep chain would take a sweep per layer.
            var generator = new Generator((ulong)seed);
            for (int k = 0; k < controlPoints; k++)
                for (int i = 0; i < net.Layout.Count; i++)
                    if (net.Layout.Specs[i].Shape.Length == 1)
                        net.Space.SetControl(k, i, net.Space.Control(k, i) + 0.1 * randn(net.Layout.Specs[i].Shape, generator: generator));
        }
        net.Training = false;
        return net;
    }

    /// <summary>Tokens of the language models' test vocabulary.</summary>
    public const int Vocabulary = 23;

    /// <summary>A small LSTM language model (hidden size 6, vocabulary <see cref="Vocabulary"/>, no dropout) at a random point.</summary>
    public static Network RandomLanguageModel(string options, long seed)
    {
        var net = ModelZoo.Build(Spec("lstm-lm", "hidden=6;dropout=0;" + options), new DataShape([], Vocabulary));
        net.Bind(WeightSpace.Create(net.Layout, 1, seed: seed));
        net.Training = false;
        return net;
    }

    /// <summary>A copy of <paramref name="net"/> with its hidden units relabelled by random permutations; the permutations.</summary>
    public static (Network Copy, PermutationSet Perms) PermutedCopy(Network net, int seed)
    {
        var copy = ModelZoo.Build(net.Spec, ModelZoo.IsLanguageModel(net.Spec.Name) ? new DataShape([], Vocabulary) : new DataShape([1, 28, 28], 10));
        copy.Bind(WeightSpace.Create(copy.Layout, 1, seed: 0));
        for (int i = 0; i < net.Layout.Count; i++) copy.Space.SetControl(0, i, net.Space.Control(0, i));
        copy.Buffers.CopyFrom(net.Buffers.All.ToDictionary(b => b.Name, b => b.Tensor));
        copy.Training = false;
        var perms = PermutationSet.Random(NetworkPermutation.Groups(net), seed);
        NetworkPermutation.Apply(copy, perms);
        return (copy, perms);
    }

    /// <summary>Random images of MNIST's shape, 4 classes.</summary>
    public static DataBundle Images(ulong seed, long train = 512)
    {
        using var g = new Generator(seed);
        ImageDataset Split(long n) => new(randn([n, 1, 28, 28], generator: g).DetachFromDisposeScope(),
            randint(0, 10, [n], generator: g).DetachFromDisposeScope(), new Normalization([0f], [1f]));
        return DataBundle.ForImages($"random-{seed}", Split(train), Split(128), classes: 10, augment: false);
    }
}
