using Isthmus.Nn.Layers;
using Isthmus.Space.Permutations;

namespace Isthmus.Nn.Models;

/// <summary>
/// Fully connected ReLU network (the paper's MNIST "FC": 784-800-800-10 by default). Named like
/// <c>nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)</c>: <c>layers.0</c>, <c>layers.2</c>, <c>layers.4</c>.
/// Option <c>widths</c> = hidden widths, e.g. "800,800".
/// </summary>
public sealed class Mlp : Network
{
    private readonly Linear[] _layers;
    private readonly List<PermutationGroup> _groups = new();

    public Mlp(ArchitectureSpec spec, DataShape data) : base(spec)
    {
        var widths = spec.Integers("widths", [800, 800]);
        long inFeatures = data.InputShape.Aggregate(1L, (a, b) => a * b);
        var sizes = new List<long> { inFeatures };
        sizes.AddRange(widths.Select(w => (long)w));
        sizes.Add(data.Classes);
        _layers = new Linear[sizes.Count - 1];
        for (int i = 0; i < _layers.Length; i++)
            _layers[i] = new Linear(Builder, $"layers.{2 * i}", sizes[i], sizes[i + 1]);
        for (int i = 0; i < _layers.Length - 1; i++)
            _groups.Add(PermutationGroup.Between($"layers.{2 * i}", sizes[i + 1], [], [PermutationGroup.ReadBy($"layers.{2 * i + 2}")]));
    }

    /// <summary>Each hidden layer's units.</summary>
    public override IReadOnlyList<PermutationGroup> PermutationGroups => _groups;

    /// <summary>Linear layers and ReLU only: stacked points pass through together.</summary>
    public override bool EvaluatesStackedPoints => true;

    public override Tensor Forward(Tensor input)
    {
        var x = input.flatten(1);
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Forward(x);
            if (i < _layers.Length - 1) x = nn.functional.relu(x);
        }
        return x;
    }
}
