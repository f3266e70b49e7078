using Isthmus.Nn;

namespace Isthmus.Runs;

/// <summary>
/// What a command is told about checkpoint files that come without a run manifest (<c>--data</c> and <c>--model</c>):
/// the network they hold, and the weight decay their curve or plane is scored with, where a run would have recorded
/// its own (<c>train</c>'s default unless the command's <c>--wd</c> says otherwise).
/// </summary>
public sealed record BareCheckpoints(NetworkKind Kind, double WeightDecay)
{
    /// <summary><c>train</c>'s default weight decay (the reference code's), assumed for a checkpoint that records none.</summary>
    public const double DefaultWeightDecay = 5e-4;

    /// <summary>The kind named by --data and --model, which go together; null when neither is given.</summary>
    public static BareCheckpoints? Of(string? data, ArchitectureSpec? model, double? weightDecay = null)
    {
        if ((data is null) != (model is null))
            throw new IsthmusException("--data and --model go together: they describe checkpoint files that come without a run manifest (.safetensors or PyTorch .pt files).");
        return data is null ? null : new BareCheckpoints(new NetworkKind(model!, data), weightDecay ?? DefaultWeightDecay);
    }
}
