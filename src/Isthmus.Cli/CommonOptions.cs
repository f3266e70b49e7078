using Isthmus.Nn;

namespace Isthmus.Cli;

/// <summary>Options shared by several commands, so that each means the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Data(bool required = true) => new("--data")
    {
        Description = "Data set: mnist, fashion-mnist, cifar10, cifar100 (from --data-root), fortunes or brown (text), or your own images: npz:FILE (arrays x_train, y_train, x_test, y_test) or folder:DIR (train/ and test/, one sub-folder per class, PNG or JPEG).",
        Required = required,
    };

    public static Option<string?> DataRoot() => new("--data-root")
    {
        Description = "Folder holding the data sets (default: $ISTHMUS_DATA, else data/ in the repository).",
    };

    public static Option<int> Val() => new("--val")
    {
        Description = "Hold out the last N training examples as the evaluation set instead of the test set.",
        DefaultValueFactory = _ => 0,
    };

    public static Option<int> Subset() => new("--subset")
    {
        Description = "Train on only the first N training examples (text: tokens) (quick experiments; 0 = all).",
        DefaultValueFactory = _ => 0,
    };

    public static Option<int?> Threads() => new("--threads") { Description = "Intra-op threads (default: every core)." };

    public static Option<string> Device() => new("--device")
    {
        Description = "cpu, cuda or auto (CUDA when available).",
        DefaultValueFactory = _ => "auto",
    };

    public static Option<string> Out(bool required = true) => new("--out") { Description = "Run folder to write.", Required = required };

    public static Option<bool> Force() => new("--force") { Description = "Replace an existing --out folder." };

    public static Option<string?> Shard() => new("--shard")
    {
        Description = "Evaluate only shard i of n (counted from 0) of the grid into --out, a folder of its own, e.g. --shard $SLURM_ARRAY_TASK_ID/8; `isthmus merge` combines the shards.",
    };

    public static Isthmus.Evaluation.Shard ReadShard(string? text) => text is null ? Isthmus.Evaluation.Shard.All : Isthmus.Evaluation.Shard.Parse(text);

    public static Option<string> Precision()
    {
        var o = new Option<string>("--precision")
        {
            Description = "Training arithmetic: fp32, or bf16 (matrix products and convolutions in bfloat16, weights and loss in float32, as PyTorch's autocast; evaluation stays fp32).",
            DefaultValueFactory = _ => Isthmus.Platform.Precision.Fp32,
        };
        o.AcceptOnlyFromAmong([.. Isthmus.Platform.Precision.Names]);
        return o;
    }

    /// <summary>
    /// An option that takes run folders, space- or comma-separated (<c>--points runs/a runs/b runs/c</c>); read it with
    /// <see cref="ReadRuns"/>, which checks how many there are.
    /// </summary>
    public static Option<string[]?> Runs(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };

    /// <summary>
    /// The folders given to a <see cref="Runs"/> option (null when it is absent), refused in one sentence unless there
    /// are <paramref name="min"/> to <paramref name="max"/> of them.
    /// </summary>
    public static string[]? ReadRuns(ParseResult parse, Option<string[]?> option, int min, int max, string example)
    {
        if (parse.GetValue(option) is not { Length: > 0 } given) return null;
        var runs = given.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        if (runs.Length < min || runs.Length > max)
        {
            string count = min == max ? $"{Words(min)}" : max == int.MaxValue ? $"{Words(min)} or more" : $"{Words(min)} to {Words(max)}";
            throw new IsthmusException($"{option.Name} takes {count} run folders, e.g. {option.Name} {example} (got {runs.Length}).");
        }
        return runs;
    }

    private static string Words(int n) => n switch { 1 => "one", 2 => "two", 3 => "three", _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static Option<bool> Resume() => new("--resume") { Description = "Continue the unfinished run in --out from its last finished epoch." };
}

/// <summary>The SGD options of every training command (train, connect, ...), with train's defaults, and --resume; --wd is per command.</summary>
internal sealed class SgdOptions
{
    public readonly Option<int> Epochs = new("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => 10 };
    public readonly Option<int> BatchSize = new("--batch-size") { Description = "Minibatch size.", DefaultValueFactory = _ => 128 };
    public readonly Option<double> Lr = new("--lr") { Description = "Base learning rate.", DefaultValueFactory = _ => 0.05 };
    public readonly Option<double> Momentum = new("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9 };
    public readonly Option<string> Schedule = new("--schedule") { Description = "standard (the reference code's, per epoch counted from 1: the full rate until half-way, linear down to 1 % at 90 %, then 1 %; so a 1-epoch run trains at 1 % of --lr), constant or cosine.", DefaultValueFactory = _ => "standard" };
    public readonly Option<long> Seed = new("--seed") { Description = "Random seed (initialisation, order, dropout).", DefaultValueFactory = _ => 1 };
    public readonly Option<int> SaveEvery = new("--save-every") { Description = "Keep checkpoint-<epoch>.safetensors every K epochs (0 = only the final model).", DefaultValueFactory = _ => 0 };
    public readonly Option<double> Clip = new("--clip") { Description = "Scale each step's gradient down to this Euclidean norm when it is larger (word-level LSTMs: 5, Zaremba et al. 2014); 0 = no clipping.", DefaultValueFactory = _ => 0 };

    public readonly Option<bool> Resume = CommonOptions.Resume();

    public SgdOptions(string? seedDescription = null, string? saveEveryDescription = null)
    {
        Schedule.AcceptOnlyFromAmong("standard", "constant", "cosine");
        if (seedDescription is not null) Seed.Description = seedDescription;
        if (saveEveryDescription is not null) SaveEvery.Description = saveEveryDescription;
    }

    /// <summary>The parsed knobs and --resume, into <paramref name="settings"/> (whose --out and --wd are the command's own).</summary>
    public T Read<T>(ParseResult parse, T settings) where T : SgdSettings => (T)((SgdSettings)settings with
    {
        Epochs = parse.GetValue(Epochs),
        BatchSize = parse.GetValue(BatchSize),
        Lr = parse.GetValue(Lr),
        Momentum = parse.GetValue(Momentum),
        Schedule = parse.GetValue(Schedule)!,
        Seed = parse.GetValue(Seed),
        SaveEvery = parse.GetValue(SaveEvery),
        Clip = parse.GetValue(Clip),
        Resume = parse.GetValue(Resume),
    });
}

/// <summary>
/// --data-root, --threads, --device and --force: how a command runs, the same for every command that writes a folder
/// (<see cref="InvocationSettings"/>). Each command lists them where its --help puts them.
/// </summary>
internal sealed class InvocationOptions
{
    public readonly Option<string?> DataRoot = CommonOptions.DataRoot();
    public readonly Option<int?> Threads = CommonOptions.Threads();
    public readonly Option<string> Device = CommonOptions.Device();
    public readonly Option<bool> Force = CommonOptions.Force();

    /// <summary>The parsed options and the command line as typed, into <paramref name="settings"/>.</summary>
    public T Read<T>(ParseResult parse, T settings) where T : InvocationSettings => (T)((InvocationSettings)settings with
    {
        DataRoot = parse.GetValue(DataRoot),
        Threads = parse.GetValue(Threads),
        Device = parse.GetValue(Device)!,
        Force = parse.GetValue(Force),
        CommandLine = Environment.GetCommandLineArgs().Skip(1).ToArray(),
    });
}

/// <summary>--model and the options that shape an architecture, turned into an <see cref="ArchitectureSpec"/>.</summary>
internal sealed class ModelOptions
{
    public readonly Option<string> Model = new("--model")
    {
        Description = "Architecture: " + string.Join(", ", ModelZoo.Names) + ", or torchscript:FILE (a network saved with torch.jit.script(model).save(FILE); docs/own-network.md).",
    };
    public readonly Option<bool> Reinit = new("--reinit") { Description = "torchscript:FILE: start from PyTorch's default initialisation (seeded by --seed) instead of the file's own weights." };
    public readonly Option<string?> Widths = new("--widths") { Description = "mlp: hidden widths, comma-separated (default 800,800)." };
    public readonly Option<double?> WidthFactor = new("--width-factor") { Description = "convfc: scale every layer's width by K (docs/science.md §2, A.7)." };
    public readonly Option<bool> BatchNorm = new("--bn") { Description = "convfc, vgg16: add batch normalisation." };
    public readonly Option<int?> Hidden = new("--hidden") { Description = "lstm-lm: hidden size (default 650)." };
    public readonly Option<int?> Layers = new("--layers") { Description = "lstm-lm: number of LSTM layers (default 2)." };
    public readonly Option<double?> Dropout = new("--dropout") { Description = "lstm-lm: dropout probability on the embedding, between LSTM layers and on the output (default 0.5)." };
    public readonly Option<bool> Tie = new("--tie") { Description = "lstm-lm: the decoder reads the embedding table (tied input and output embeddings: one shared tensor)." };

    public IEnumerable<Option> All => [Model, Widths, WidthFactor, BatchNorm, Hidden, Layers, Dropout, Tie, Reinit];

    /// <summary>
    /// The data set and architecture of a new run, which <paramref name="command"/> needs unless it continues one in
    /// --out (<paramref name="resuming"/>: the run's manifest has them; placeholders are returned).
    /// </summary>
    public (string Data, ArchitectureSpec Spec) ReadForNewRun(ParseResult parse, Option<string> data, bool resuming, string command)
    {
        var spec = Read(parse);
        var dataName = parse.GetValue(data);
        if (!resuming && (spec is null || dataName is null))
            throw new IsthmusException($"{command} needs --data and --model (or --resume to continue a run in --out); see `isthmus {command} --help`.");
        return (dataName ?? "", spec ?? new ArchitectureSpec("mlp"));
    }

    public ArchitectureSpec? Read(ParseResult parse)
    {
        var name = parse.GetValue(Model);
        if (name is null) return null;
        var spec = name.StartsWith(TorchScriptNetwork.Prefix, StringComparison.Ordinal)
            ? TorchScriptNetwork.SpecFor(name[TorchScriptNetwork.Prefix.Length..])
            : new ArchitectureSpec(name);
        if (parse.GetValue(Reinit)) spec = spec.With("reinit", "true");
        if (parse.GetValue(Widths) is { } w) spec = spec.With("widths", w.Replace(" ", ""));
        if (parse.GetValue(WidthFactor) is { } k) spec = spec.With("width_factor", k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (parse.GetValue(BatchNorm)) spec = spec.With("bn", "true");
        if (parse.GetValue(Hidden) is { } h) spec = spec.With("hidden", h.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (parse.GetValue(Layers) is { } l) spec = spec.With("layers", l.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (parse.GetValue(Dropout) is { } d) spec = spec.With("dropout", d.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (parse.GetValue(Tie)) spec = spec.With("tie", "true");
        return spec;
    }
}
