namespace Isthmus.Nn;

/// <summary>
/// An architecture by name and options, e.g. <c>convfc</c> with <c>width_factor=0.5, bn=true</c>. Saved in every
/// run's manifest; together with the data shape it is enough to rebuild the model.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(ArchitectureSpecJson))]
public sealed record ArchitectureSpec(string Name, IReadOnlyDictionary<string, string> Options)
{
    public ArchitectureSpec(string name) : this(name, new SortedDictionary<string, string>(StringComparer.Ordinal)) { }

    public string? Get(string key) => Options.TryGetValue(key, out var v) ? v : null;

    public bool Flag(string key) => Get(key) is { } v && (v == "true" || v == "1");

    public double Number(string key, double fallback) =>
        Get(key) is not { } v ? fallback
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x
        : throw new IsthmusException($"{Name}: option {key} takes a number (got '{v}').");

    /// <summary>A probability in [0, 1) such as a dropout rate, refused in one sentence otherwise.</summary>
    public double Probability(string key, double fallback)
    {
        double p = Number(key, fallback);
        if (!(p >= 0 && p < 1))
            throw new IsthmusException($"{Name}: {key} is a probability in [0, 1) (got {p.ToString(CultureInfo.InvariantCulture)}).");
        return p;
    }

    /// <summary>A comma-separated list of positive whole numbers (e.g. widths=800,800), refused in one sentence otherwise.</summary>
    public int[] Integers(string key, int[] fallback)
    {
        if (Get(key) is not { } v) return fallback;
        var parts = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = parts.Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 0).ToArray();
        if (values.Length == 0 || values.Any(n => n < 1))
            throw new IsthmusException($"{Name}: option {key} takes positive whole numbers, comma-separated, e.g. {string.Join(',', fallback)} (got '{v}').");
        return values;
    }

    /// <summary>A copy with one option set.</summary>
    public ArchitectureSpec With(string key, string value)
    {
        var options = new SortedDictionary<string, string>(Options.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal) { [key] = value };
        return new ArchitectureSpec(Name, options);
    }

    /// <summary>
    /// The spec as a figure's title shows it: <see cref="ToString"/>, but a file-backed architecture (TorchScript) by
    /// its file's name alone, without its folder or checksum, so that the title fits above the picture.
    /// </summary>
    public string Caption =>
        Get("file") is { } file ? $"{Name}:{System.IO.Path.GetFileName(file)}"
        : ToString();

    public override string ToString() =>
        Options.Count == 0 ? Name : $"{Name}({string.Join(", ", Options.Select(kv => $"{kv.Key}={kv.Value}"))})";

    public bool Equals(ArchitectureSpec? other) =>
        other is not null && Name == other.Name && Options.Count == other.Options.Count &&
        Options.All(kv => other.Options.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}

/// <summary>What a data set tells a model: input shape ([C, H, W], or empty for tokens) and number of classes (vocabulary size for text).</summary>
public sealed record DataShape(long[] InputShape, int Classes);
