namespace Isthmus.Space;

/// <summary>
/// A simplicial complex over the control points of one weight space (docs/science.md §5, "low-loss subspaces connecting a
/// set of solutions"): vertices 0 … N−1 are the fixed modes, N … N+M−1 the trainable connectors, and a point of
/// simplex s with barycentric weights λ is Σ_a λ_a·w_{s_a}. A single edge between two modes through one connector is
/// the one-bend polygonal chain; the complex is its generalisation to a set of modes.
/// </summary>
public sealed class SimplicialComplex
{
    public static readonly IReadOnlyList<string> Shapes = ["star", "complex"];

    private readonly int[][] _simplices;

    /// <param name="shape">How it was built (star, complex), for manifests.</param>
    /// <param name="modes">N, the fixed vertices 0 … N−1.</param>
    /// <param name="connectors">M, the trainable vertices N … N+M−1.</param>
    /// <param name="simplices">Each simplex as its vertex indices (at least two, all different).</param>
    /// <param name="connectorStarts">Where each connector starts, as weights over the modes (length M, each of length N).</param>
    public SimplicialComplex(string shape, int modes, int connectors, IEnumerable<IReadOnlyList<int>> simplices, IReadOnlyList<IReadOnlyList<double>> connectorStarts)
    {
        if (modes < 1) throw new ArgumentOutOfRangeException(nameof(modes), "A complex needs at least one mode.");
        if (connectors < 0) throw new ArgumentOutOfRangeException(nameof(connectors));
        Shape = shape;
        Modes = modes;
        Connectors = connectors;
        _simplices = simplices.Select(s => s.ToArray()).ToArray();
        foreach (var s in _simplices)
            if (s.Length < 2 || s.Distinct().Count() != s.Length || s.Any(v => v < 0 || v >= Vertices))
                throw new ArgumentException($"Simplex [{string.Join(", ", s)}] needs two or more different vertices among 0 … {Vertices - 1}.");
        if (_simplices.Length == 0) throw new ArgumentException("A complex needs at least one simplex.");
        if (connectorStarts.Count != connectors || connectorStarts.Any(c => c.Count != modes))
            throw new ArgumentException($"Expected {connectors} connector starts of {modes} weights each.");
        ConnectorStarts = connectorStarts.Select(c => (IReadOnlyList<double>)c.ToArray()).ToArray();
    }

    public string Shape { get; }
    public int Modes { get; }
    public int Connectors { get; }

    /// <summary>K = N + M: the control points of the weight space.</summary>
    public int Vertices => Modes + Connectors;

    public IReadOnlyList<IReadOnlyList<int>> Simplices => _simplices;

    /// <summary>Where connector m starts: Σ_i a_mi·mode_i (the centroid of the modes it joins).</summary>
    public IReadOnlyList<IReadOnlyList<double>> ConnectorStarts { get; }

    /// <summary>Most vertices of any simplex (the most barycentric weights one draw needs).</summary>
    public int MaxSimplexVertices => _simplices.Max(s => s.Length);

    public bool IsConnector(int vertex) => vertex >= Modes;

    /// <summary>mode.1 … mode.N, connector.1 … connector.M.</summary>
    public string VertexName(int vertex) => vertex < Modes ? $"mode.{vertex + 1}" : $"connector.{vertex - Modes + 1}";

    /// <summary>A simplex by its vertex names: <c>mode.1-mode.2-connector.1</c>.</summary>
    public string SimplexName(int simplex) => string.Join("-", _simplices[simplex].Select(VertexName));

    /// <summary>Edges of a simplex with n vertices: n(n − 1)/2.</summary>
    public int Edges(int simplex) => _simplices[simplex].Length * (_simplices[simplex].Length - 1) / 2;

    /// <summary>Writes the coefficients over all K control points of the point Σ_a λ_a·w_{s_a} into <paramref name="c"/>.</summary>
    public void Coefficients(int simplex, ReadOnlySpan<double> barycentric, Span<double> c)
    {
        var s = _simplices[simplex];
        if (barycentric.Length != s.Length) throw new ArgumentException($"Simplex {SimplexName(simplex)} takes {s.Length} barycentric weights, got {barycentric.Length}.");
        c.Clear();
        for (int a = 0; a < s.Length; a++) c[s[a]] += barycentric[a];
    }

    public double[] Coefficients(int simplex, IReadOnlyList<double> barycentric)
    {
        var c = new double[Vertices];
        Coefficients(simplex, barycentric.ToArray(), c);
        return c;
    }

    /// <summary>The coefficients of vertex <paramref name="vertex"/> itself: the unit vector e_k.</summary>
    public double[] Vertex(int vertex)
    {
        var c = new double[Vertices];
        c[vertex] = 1;
        return c;
    }

    /// <summary>The coefficients of connector m's starting point over all K control points.</summary>
    public double[] ConnectorStart(int connector)
    {
        var c = new double[Vertices];
        for (int i = 0; i < Modes; i++) c[i] = ConnectorStarts[connector][i];
        return c;
    }

    /// <summary>
    /// <c>star</c>: every mode joined by an edge to its connector; with M &gt; 1 connectors, the connectors are also
    /// joined to each other by edges, so that the set stays connected. <paramref name="connectorOfMode"/>[i] is mode i's
    /// connector (0-based); each connector starts at the centroid of its modes.
    /// </summary>
    public static SimplicialComplex Star(int modes, int connectors, IReadOnlyList<int> connectorOfMode)
    {
        CheckAssignment(modes, connectors, connectorOfMode);
        var simplices = new List<IReadOnlyList<int>>();
        for (int i = 0; i < modes; i++) simplices.Add([i, modes + connectorOfMode[i]]);
        for (int m = 0; m < connectors; m++)
            for (int l = m + 1; l < connectors; l++) simplices.Add([modes + m, modes + l]);
        return new SimplicialComplex("star", modes, connectors, simplices, GroupCentroids(modes, connectors, connectorOfMode));
    }

    /// <summary>
    /// <c>complex</c>: for every pair of modes i &lt; j the triangle (mode_i, mode_j, connector), with the connector
    /// <paramref name="connectorOfPair"/>(i, j); each connector starts at the centroid of the modes of its triangles.
    /// </summary>
    public static SimplicialComplex Complex(int modes, int connectors, Func<int, int, int> connectorOfPair)
    {
        if (modes < 2) throw new IsthmusException($"A complex of triangles needs at least two modes (got {modes}).");
        var simplices = new List<IReadOnlyList<int>>();
        var members = Enumerable.Range(0, connectors).Select(_ => new SortedSet<int>()).ToArray();
        for (int i = 0; i < modes; i++)
            for (int j = i + 1; j < modes; j++)
            {
                int m = connectorOfPair(i, j);
                if (m < 0 || m >= connectors) throw new ArgumentOutOfRangeException(nameof(connectorOfPair), $"Connector {m} of pair ({i}, {j}) is not among 0 … {connectors - 1}.");
                simplices.Add([i, j, modes + m]);
                members[m].Add(i);
                members[m].Add(j);
            }
        var starts = members.Select(set => Centroid(modes, set.Count == 0 ? Enumerable.Range(0, modes) : set)).ToArray();
        return new SimplicialComplex("complex", modes, connectors, simplices, starts);
    }

    private static IReadOnlyList<double>[] GroupCentroids(int modes, int connectors, IReadOnlyList<int> connectorOfMode) =>
        Enumerable.Range(0, connectors).Select(m =>
        {
            var group = Enumerable.Range(0, modes).Where(i => connectorOfMode[i] == m).ToList();
            return Centroid(modes, group.Count == 0 ? Enumerable.Range(0, modes) : group);
        }).ToArray();

    /// <summary>Equal weights over <paramref name="members"/> among <paramref name="modes"/> modes.</summary>
    public static IReadOnlyList<double> Centroid(int modes, IEnumerable<int> members)
    {
        var list = members.ToList();
        var c = new double[modes];
        foreach (var i in list) c[i] = 1.0 / list.Count;
        return c;
    }

    private static void CheckAssignment(int modes, int connectors, IReadOnlyList<int> connectorOfMode)
    {
        if (connectors < 1) throw new IsthmusException($"--connectors must be at least 1 (got {connectors}).");
        if (connectorOfMode.Count != modes || connectorOfMode.Any(m => m < 0 || m >= connectors))
            throw new ArgumentException($"Expected a connector among 0 … {connectors - 1} for each of {modes} modes.");
    }
}
