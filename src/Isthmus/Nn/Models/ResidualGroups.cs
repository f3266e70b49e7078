using Isthmus.Space.Permutations;

namespace Isthmus.Nn.Models;

/// <summary>
/// Collects the permutation groups of a residual network (Ainsworth et al. 2022, §2 and their Appendix on ResNets): the
/// units inside each block, one group per hidden convolution, and the residual stream. Every skip connection adds a
/// block's output to its input channel by channel, so all the layers that write into the stream and all those that read
/// it share one permutation until a shortcut convolution maps it to a new stream (entering a stage, or widening).
/// Groups are listed in forward order of the output each is named after, as <c>Evaluation.Repair</c> corrects them.
/// </summary>
internal sealed class ResidualGroups
{
    private readonly List<PermutationGroup> _groups = new();
    private string _streamName = "";
    private long _streamSize;
    private List<PermutedAxis>? _stream;

    /// <summary>Starts a new stream of <paramref name="size"/> channels written by <paramref name="producers"/>, named after the layer whose output it is until <see cref="Name"/> renames it.</summary>
    public void Start(string name, long size, IEnumerable<PermutedAxis> producers)
    {
        Close();
        (_streamName, _streamSize, _stream) = (name, size, producers.ToList());
    }

    /// <summary>Axes that read or also write the current stream (batch norms and convolutions at its input, a block's last convolution).</summary>
    public void Join(IEnumerable<PermutedAxis> axes) =>
        (_stream ?? throw new InvalidOperationException("No residual stream has been started.")).AddRange(axes);

    /// <summary>Renames the current stream after an output that is exactly the stream (a stage's last block's).</summary>
    public void Name(string name) => _streamName = name;

    /// <summary>A group inside a block.</summary>
    public void Add(PermutationGroup group) => _groups.Add(group);

    /// <summary>Every group, the current stream closed.</summary>
    public IReadOnlyList<PermutationGroup> Finish()
    {
        Close();
        return _groups;
    }

    private void Close()
    {
        if (_stream is not null) _groups.Add(new PermutationGroup(_streamName, _streamSize, _stream));
        _stream = null;
    }

    /// <summary>
    /// The groups of one pre-activation block x ↦ x + F(x) with F = (BN_i → ReLU → conv_i)… and, where it has one, a 1×1
    /// shortcut convolution: BN_1, conv_1 and the shortcut read the stream; each conv_i but the last produces a group
    /// that BN_{i+1} follows and conv_{i+1} reads; the last convolution writes into the stream, or with the shortcut
    /// into a new one.
    /// </summary>
    /// <param name="path">The block's (batch norm, convolution) pairs by name, in order, with each convolution's output channels.</param>
    public void Block(IReadOnlyList<(string Norm, string Conv, long Out)> path, string? shortcut, bool bias)
    {
        var reads = PermutationGroup.BatchNorm(path[0].Norm).Select(n => new PermutedAxis(n, 0)).Append(PermutationGroup.ReadBy(path[0].Conv)).ToList();
        if (shortcut is not null) reads.Add(PermutationGroup.ReadBy(shortcut));
        Join(reads);
        var last = path[^1];
        if (shortcut is null) Join(PermutationGroup.Produced(last.Conv, bias));
        else Start(shortcut, last.Out, PermutationGroup.Produced(shortcut, bias).Concat(PermutationGroup.Produced(last.Conv, bias)));
        for (int i = 0; i + 1 < path.Count; i++)
            Add(PermutationGroup.Between(path[i].Conv, path[i].Out, PermutationGroup.BatchNorm(path[i + 1].Norm),
                [PermutationGroup.ReadBy(path[i + 1].Conv)], bias));
    }
}
