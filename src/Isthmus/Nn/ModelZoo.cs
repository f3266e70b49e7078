using Isthmus.Nn.Models;

namespace Isthmus.Nn;

/// <summary>Builds a network from its <see cref="ArchitectureSpec"/> and the data set's shape.</summary>
public static class ModelZoo
{
    private static readonly Dictionary<string, (string Summary, Func<ArchitectureSpec, DataShape, Network> Build, bool Text)> Models = new(StringComparer.Ordinal)
    {
        ["mlp"] = ("fully connected ReLU net (the paper's MNIST FC); --widths, default 800,800", (s, d) => new Mlp(s, d), false),
        ["lenet5"] = ("LeNet-5", (s, d) => new LeNet5(s, d), false),
        ["convfc"] = ("3conv3fc of the paper; --width-factor K, --bn", (s, d) => new ConvFc(s, d), false),
        ["vgg16"] = ("VGG-16 of the reference code (13 conv + 3 fc, 15.2 M on CIFAR-10); --bn; 28×28 inputs are padded to 32", (s, d) => new Vgg16(s, d), false),
        ["preresnet110"] = ("pre-activation ResNet-110, basic blocks (1.73 M); --block bottleneck for the reference code's variant", (s, d) => new PreResNet(s, d, 110, defaultBottleneck: false), false),
        ["preresnet164"] = ("pre-activation ResNet-164, bottleneck blocks (1.70 M)", (s, d) => new PreResNet(s, d, 164, defaultBottleneck: true), false),
        ["wrn28x10"] = ("WideResNet-28-10 (36.5 M); --depth, --widen, --dropout (default 0)", (s, d) => new WideResNet(s, d), false),
        ["lstm-lm"] = ("word-level LSTM language model; --hidden 650, --layers 2, --dropout 0.5, --tie", (s, d) => new LstmLanguageModel(s, d), true),
    };

    /// <summary>
    /// Makes a TorchSharp module an architecture by name, so that every recipe builds it from a spec of that name (its
    /// options are the builder's to read): <paramref name="build"/> returns a fresh module for the spec and data shape,
    /// which <see cref="ModuleNetwork"/> adapts. A name already taken is refused.
    /// </summary>
    public static void Register(string name, string summary, Func<ArchitectureSpec, DataShape, TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> build)
    {
        if (name == TorchScriptNetwork.Name || name.Contains(':'))
            throw new ArgumentException($"'{name}' cannot name a registered architecture.", nameof(name));
        lock (Models)
        {
            if (Models.ContainsKey(name)) throw new ArgumentException($"An architecture named '{name}' exists already.", nameof(name));
            Models[name] = (summary, (s, d) => new ModuleNetwork(build(s, d), s, d), false);
        }
    }

    /// <summary>Known architecture names.</summary>
    public static IReadOnlyList<string> Names => Models.Keys.ToList();

    /// <summary>One line per architecture, for help texts.</summary>
    public static IEnumerable<(string Name, string Summary)> Describe() => Models.Select(kv => (kv.Key, kv.Value.Summary));

    /// <summary>True for architectures that read token sequences (language models).</summary>
    public static bool IsLanguageModel(string name) => Models.TryGetValue(name, out var m) && m.Text;

    public static Network Build(ArchitectureSpec spec, DataShape data)
    {
        var net = Create(spec, data);
        // Before any of its convolutions runs: a libtorch defect in narrow convolutions (Platform.ConvolutionKernels),
        // and NNPACK switched off where it cannot start (Platform.Nnpack: no result changes; its warnings end).
        Platform.ConvolutionKernels.Guard(net.Layout.Specs.Where(p => p.Shape.Length == 4).Select(p => (IReadOnlyList<long>)p.Shape));
        Platform.Nnpack.SwitchOffWhereUnavailable();
        return net;
    }

    private static Network Create(ArchitectureSpec spec, DataShape data)
    {
        if (spec.Name == TorchScriptNetwork.Name) return new TorchScriptNetwork(spec, data);
        if (!Models.TryGetValue(spec.Name, out var entry))
            throw new IsthmusException($"Unknown model '{spec.Name}'; choose one of: {string.Join(", ", Models.Keys)}.");
        if (entry.Text != (data.InputShape.Length == 0))
            throw new IsthmusException(entry.Text
                ? $"Model '{spec.Name}' is a language model and needs a text corpus (e.g. --data fortunes)."
                : $"Model '{spec.Name}' classifies images and cannot read a text corpus; use --model lstm-lm for text.");
        return entry.Build(spec, data);
    }
}
