using Isthmus.Nn;

namespace Isthmus.Runs;

/// <summary>
/// What a trained network is: its architecture and the data it was trained on (name, <c>--val</c> hold-out,
/// <c>--subset</c>). Networks share one weight space — a curve, a plane, a set, an ensemble — only when their kinds are
/// equal; whatever is built on them is trained and scored on exactly this data.
/// </summary>
public sealed record NetworkKind(ArchitectureSpec Architecture, string Data, int Val = 0, int Subset = 0)
{
    /// <summary>"mlp(widths=256) on mnist --subset 2000".</summary>
    public string Describe() =>
        $"{Architecture} on {Data}" + (Val == 0 ? "" : $" --val {Val}") + (Subset == 0 ? "" : $" --subset {Subset}");

    /// <summary>The kind a manifest records; null when it names no architecture or data set.</summary>
    public static NetworkKind? Of(RunManifest manifest) =>
        manifest.Architecture is { } architecture && manifest.Data?.Name is { Length: > 0 } data
            ? new NetworkKind(architecture, data, manifest.Hyperparameters?.Val ?? 0, manifest.Hyperparameters?.Subset ?? 0)
            : null;

    /// <summary>The kind <paramref name="run"/>'s manifest records, refusing a manifest that names none.</summary>
    public static NetworkKind Read(RunDirectory run) =>
        Of(run.Manifest) ?? throw new IsthmusException($"{run.Path}/manifest.json names no architecture or data set; the run folder is damaged or not from Isthmus.");

    /// <summary>
    /// The one compatibility check: refuses, in one sentence, to <paramref name="verb"/> a network of this kind (from
    /// <paramref name="here"/>) with one of <paramref name="other"/>'s kind (from <paramref name="there"/>).
    /// </summary>
    public void RequireSame(NetworkKind other, string here, string there, string verb)
    {
        if (other == this) return;
        throw new IsthmusException($"Cannot {verb} {here} and {there}: the first is {Describe()} but the second is {other.Describe()}; they must be the same architecture trained on the same data.");
    }
}
