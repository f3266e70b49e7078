using System.Globalization;

namespace Isthmus.Nn;

/// <summary>
/// An architecture by name and options, e.g. <c>convfc</c> with <c>width_factor=0.5, bn=true</c>. Saved in every
/// run's manifest; together with the data shape it is enough to rebuild the model.
/// </summary>
public sealed record ArchitectureSpec(string Name, IReadOnlyDictionary<string, string> Options)
{
    public ArchitectureSpec(string name) : this(name, new SortedDictionary<string, string>(StringComparer.Ordinal)) { }

    public string? Get(string key) => Options.TryGetValue(key, out var v) ? v : null;

    public bool Flag(string key) => Get(key) is { } v && (v == "true" || v == "1");

    public double Number(string key, double fallback) =>
        Get(key) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public int[] Integers(string key, int[] fallback) =>
        Get(key) is { } v ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : fallback;

    /// <summary>A copy with one option set.</summary>
    public ArchitectureSpec With(string key, string value)
    {
        var options = new SortedDictionary<string, string>(Options.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal) { [key] = value };
        return new ArchitectureSpec(Name, options);
    }

    public override string ToString() =>
        Options.Count == 0 ? Name : $"{Name}({string.Join(", ", Options.Select(kv => $"{kv.Key}={kv.Value}"))})";

    public bool Equals(ArchitectureSpec? other) =>
        other is not null && Name == other.Name && Options.Count == other.Options.Count &&
        Options.All(kv => other.Options.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}

/// <summary>What a data set tells a model: input shape ([C, H, W], or empty for tokens) and number of classes (vocabulary size for text).</summary>
public sealed record DataShape(long[] InputShape, int Classes);
