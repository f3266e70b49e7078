using Isthmus.Space;

namespace Isthmus.Training;

/// <summary>
/// Eq. (2) generalised from a curve to a simplicial complex of modes and connectors (docs/science.md §5): each minibatch
/// draws one simplex — with probability proportional to its number of edges, or to its current volume — and a point
/// in it with barycentric weights λ ~ Dirichlet(1), and the step is taken on the loss there. The coefficient vector
/// over all K control points goes into a buffer allocated once, so a step allocates nothing parameter-sized.
/// With a volume weight λ &gt; 0 the sampled simplex's −λ·log Vol is added to the loss (<see cref="SimplexVolume"/>).
/// </summary>
public sealed class SimplexSampler : IPointSampler
{
    public static readonly IReadOnlyList<string> Weightings = ["edges", "volume"];

    private readonly double[] _coefficients;
    private double[] _probabilities;

    /// <param name="complex">The simplices, over the space's K control points.</param>
    /// <param name="weighting">edges (the default) or volume: what a simplex's probability is proportional to.</param>
    /// <param name="volumeWeight">λ of the volume term −λ·log Vol (0 = none).</param>
    public SimplexSampler(SimplicialComplex complex, string weighting = "edges", double volumeWeight = 0)
    {
        Check(weighting, volumeWeight);
        Complex = complex;
        Weighting = weighting;
        VolumeWeight = volumeWeight;
        _coefficients = new double[complex.Vertices];
        _probabilities = Normalise(Enumerable.Range(0, complex.Simplices.Count).Select(s => (double)complex.Edges(s)).ToArray());
    }

    /// <summary>Refuses an unknown weighting or a negative volume weight, in one sentence naming the flag.</summary>
    public static void Check(string weighting, double volumeWeight)
    {
        if (!Weightings.Contains(weighting))
            throw new IsthmusException($"Unknown --sample-by '{weighting}'; choose one of: {string.Join(", ", Weightings)}.");
        if (!(volumeWeight >= 0) || !double.IsFinite(volumeWeight))
            throw new IsthmusException($"--volume-weight must be a non-negative number (got {volumeWeight}).");
    }

    public SimplicialComplex Complex { get; }
    public string Weighting { get; }
    public double VolumeWeight { get; }
    public string Name => "dirichlet-1";

    /// <summary>The probability of drawing each simplex.</summary>
    public IReadOnlyList<double> Probabilities => _probabilities;

    /// <summary>The simplex of the last point drawn (<see cref="DrawNext"/>) or moved to (<see cref="Next"/>).</summary>
    public int LastSimplex { get; private set; } = -1;

    /// <summary>With volume weighting: the probabilities follow the volumes as they are at the start of each epoch.</summary>
    public void BeginEpoch(WeightSpace space, int epoch)
    {
        if (Weighting == "volume") UseVolumes(ControlGram.Of(space));
    }

    /// <summary>Sets the probabilities proportional to the simplices' volumes; keeps them proportional to edges while every volume is zero.</summary>
    public void UseVolumes(ControlGram gram)
    {
        var volumes = Complex.Simplices.Select(s => SimplexVolume.Of(gram, s)).ToArray();
        if (volumes.Sum() > 0) _probabilities = Normalise(volumes);
    }

    public void Next(WeightSpace space, Generator generator) => space.MoveTo(DrawNext(space, generator));

    public IReadOnlyList<double> DrawNext(WeightSpace space, Generator generator)
    {
        var (simplex, weights) = Draw(generator);
        Complex.Coefficients(simplex, weights, _coefficients);
        LastSimplex = simplex;
        return _coefficients;
    }

    /// <summary>One simplex and uniform barycentric weights in it, from one batch of uniforms of <paramref name="generator"/>.</summary>
    public (int Simplex, double[] Weights) Draw(Generator generator)
    {
        double[] u;
        using (var draws = rand(1 + Complex.MaxSimplexVertices, ScalarType.Float64, generator: generator)) u = draws.data<double>().ToArray();
        int simplex = Choose(u[0]);
        var weights = new double[Complex.Simplices[simplex].Count];
        Dirichlet.Uniform(u.AsSpan(1, weights.Length), weights);
        return (simplex, weights);
    }

    /// <summary>Per-epoch metrics of a set are those of its first connector, the point the modes are joined through.</summary>
    public void MoveToReportedPoint(WeightSpace space) => space.MoveTo(Complex.Vertex(Math.Min(Complex.Modes, Complex.Vertices - 1)));

    public bool FinishesGradients => VolumeWeight > 0;

    public void FinishGradients(WeightSpace space)
    {
        if (VolumeWeight > 0 && LastSimplex >= 0) SimplexVolume.AddLogVolumeGradient(space, Complex.Simplices[LastSimplex], VolumeWeight);
    }

    private int Choose(double u)
    {
        double cumulative = 0;
        for (int s = 0; s < _probabilities.Length; s++)
        {
            cumulative += _probabilities[s];
            if (u < cumulative) return s;
        }
        return _probabilities.Length - 1; // rounding: u just below 1
    }

    private static double[] Normalise(double[] weights)
    {
        double sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }
}
