using System.Text.Json.Serialization;
using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Nn;

namespace Isthmus.Runs;

// The sections of manifest.json that more than one run kind writes or reads, as records. Their keys are the property
// names in snake_case (ManifestJson); keys no record names are kept as they are (Extra), so a folder written by an
// older or newer version opens and is saved back without loss.

/// <summary><c>data</c>: the data set a run used, its evaluation split and the checksums of its files.</summary>
public sealed record DataSection
{
    public string Name { get; init; } = "";
    public string? EvalSplit { get; init; }
    public long[]? InputShape { get; init; }
    public int? Classes { get; init; }
    public SortedDictionary<string, string>? Checksums { get; init; }
    /// <summary>The per-channel mean and std the images were normalised with; for a user's own images
    /// (<c>npz:</c>, <c>folder:</c>) these are the training split's statistics.</summary>
    public NormalizationSection? Normalization { get; init; }
    /// <summary>Text only: the perplexity of the unigram model of the training tokens on the evaluation split
    /// (<see cref="UnigramBaseline"/>), the scale a language model's perplexity, and a barrier between two, is read against.</summary>
    public double? UnigramPerplexity { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The section of a data set in memory; <paramref name="full"/> = false names it only.</summary>
    public static DataSection Of(DataBundle data, bool full = true) => !full ? new() { Name = data.Name } : new()
    {
        Name = data.Name,
        EvalSplit = data.EvalSplit,
        InputShape = data.InputShape.ToArray(),
        Classes = data.Classes,
        Checksums = new SortedDictionary<string, string>(data.Checksums.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal),
        Normalization = data.Train?.Normalization is { } n ? new NormalizationSection { Mean = n.Mean, Std = n.Std } : null,
        UnigramPerplexity = data.Kind == DataKind.Text
            ? Math.Round(UnigramBaseline.Perplexity(data.TrainText!.Tokens, data.EvalText!.Tokens, data.Classes), 2) : null,
    };
}

/// <summary><c>data.normalization</c>: images are stored as (x − mean) / std per channel.</summary>
public sealed record NormalizationSection
{
    public float[] Mean { get; init; } = [];
    public float[] Std { get; init; } = [];
}

/// <summary>
/// <c>hyperparameters</c>: the SGD knobs of a trained run, and the hold-out (<c>val</c>) and training subset every run
/// built on it inherits. Runs that train nothing (an ensemble) record only <c>val</c> and <c>subset</c>.
/// </summary>
public sealed record HyperparametersSection
{
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public double? Lr { get; init; }
    public double? Momentum { get; init; }
    public double? Wd { get; init; }
    public string? Schedule { get; init; }
    public long? Seed { get; init; }
    public int? SaveEvery { get; init; }
    /// <summary>Gradient-norm clipping threshold; absent when the run did not clip.</summary>
    public double? Clip { get; init; }
    public int Val { get; init; }
    public int Subset { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>One control point of a weight space: its name, whether training moves it, and where it came from.</summary>
public sealed record ControlPointSection
{
    public string Name { get; init; } = "";
    public bool Fixed { get; init; }
    public string? Source { get; init; }
    public string? Init { get; init; }
    public string? File { get; init; }
}

/// <summary>One simplex of a set's simplicial complex: its name and its vertices (control-point indices).</summary>
public sealed record SimplexSection
{
    public string Name { get; init; } = "";
    public int[] Vertices { get; init; } = [];
}

/// <summary>
/// <c>space</c>: the weight space behind a run — a plain network, a curve, a set, FGE/SSE members, or what an evaluating
/// command evaluated (segment, trivial curve, chain, plane, set evaluation). Fields a kind does not use stay null.
/// </summary>
public sealed record SpaceSection
{
    public string Kind { get; init; } = "";
    public string? Family { get; init; }
    public int? Bends { get; init; }
    public long? Parameters { get; init; }
    public string? File { get; init; }
    public string? Init { get; init; }
    public string? Sampler { get; init; }
    public List<ControlPointSection>? ControlPoints { get; init; }
    public string? Shape { get; init; }
    public int? Modes { get; init; }
    public int? Connectors { get; init; }
    public string? SampleBy { get; init; }
    public double? VolumeWeight { get; init; }
    public List<SimplexSection>? Simplices { get; init; }
    public List<double[]>? ConnectorStarts { get; init; }
    public string? MemberFiles { get; init; }
    public string? Source { get; init; }
    public List<string>? Sources { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary><c>platform</c>: where the run ran.</summary>
public sealed record PlatformSection
{
    public int Threads { get; init; }
    public string Device { get; init; } = "";
    public string? Torchsharp { get; init; }
    /// <summary>"avx2" or "sse41" when this process capped libtorch's convolution kernels (Platform.ConvolutionKernels); else absent.</summary>
    public string? ConvolutionKernels { get; init; }
}

/// <summary>
/// <c>final</c> of a trained network and <c>midpoint</c> of a curve: train loss (the objective, with weight decay),
/// NLL and error on both splits (errors in percent), perplexities for language models.
/// </summary>
public sealed record MetricsSection
{
    public double? T { get; init; }
    public double? TrainLoss { get; init; }
    public double? TrainNll { get; init; }
    public double? TrainError { get; init; }
    public double? TestNll { get; init; }
    public double? TestError { get; init; }
    public double? TrainPerplexity { get; init; }
    public double? TestPerplexity { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The metrics every evaluator reports (perplexities for a language model), as the manifest keeps them.</summary>
    public static MetricsSection Of(PointMetrics p, bool text, double? t = null) => new()
    {
        T = t,
        TrainLoss = Finite(p.TrainLoss),
        TrainNll = Finite(p.Train.Nll),
        TrainError = Finite(p.Train.Error),
        TestNll = Finite(p.Test.Nll),
        TestError = Finite(p.Test.Error),
        TrainPerplexity = text ? Finite(p.Train.Perplexity) : null,
        TestPerplexity = text ? Finite(p.Test.Perplexity) : null,
    };

    /// <summary>The metric keys every evaluator writes, as JSON (in manifests, results files and the CLI's <c>--json</c>).</summary>
    public static JsonObject Json(double loss, Metrics train, Metrics test, bool text) =>
        JsonSerializer.SerializeToNode(Of(new PointMetrics(loss, train, test), text), ManifestJson.Default.MetricsSection)!.AsObject();

    /// <summary>The metrics read back; a value the manifest lacks is NaN.</summary>
    public PointMetrics ToPointMetrics() =>
        new(TrainLoss ?? double.NaN, new Metrics(TrainNll ?? double.NaN, TrainError ?? double.NaN, 0), new Metrics(TestNll ?? double.NaN, TestError ?? double.NaN, 0));

    // As every JSON file here writes numbers: rounded to 10 decimals, non-finite as null.
    private static double? Finite(double x) => double.IsFinite(x) ? Math.Round(x, 10) : null;
}

/// <summary>The source-generated serialiser of the manifest's sections: snake_case keys, as every file Isthmus writes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ArchitectureSpec))]
[JsonSerializable(typeof(DataSection))]
[JsonSerializable(typeof(HyperparametersSection))]
[JsonSerializable(typeof(SpaceSection))]
[JsonSerializable(typeof(PlatformSection))]
[JsonSerializable(typeof(MetricsSection))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class ManifestJson : JsonSerializerContext;
