namespace Isthmus.Space;

/// <summary>
/// Where the bends of a curve start (the reference code's <c>init_linear</c>, <c>init_start</c>): on the segment
/// between the endpoints at their own t (the default, docs/science.md §1), as copies of the start endpoint, or where the
/// architecture's own initialisation put them.
/// </summary>
public static class BendInit
{
    public static readonly IReadOnlyList<string> Names = ["linear", "start", "random"];

    /// <summary>Validates an init name as typed on the command line.</summary>
    public static string Check(string name) => Names.Contains(name)
        ? name
        : throw new IsthmusException($"Unknown --init '{name}'; choose one of: {string.Join(", ", Names)}.");

    /// <summary>
    /// Sets bends 1..n of <paramref name="space"/> (control points 0 and n + 1 must already hold the endpoints):
    /// <c>linear</c> puts bend k at (1 − s)·w_0 + s·w_{n+1} with s = <see cref="CurveFamily.BendTime"/>(k) — for a
    /// Bezier curve this makes the initial curve exactly the segment; <c>start</c> copies w_0; <c>random</c> keeps
    /// the fresh initialisation the space was created with.
    /// </summary>
    public static void Apply(WeightSpace space, CurveFamily family, string name)
    {
        Check(name);
        if (space.ControlPointCount != family.ControlPoints)
            throw new ArgumentException($"The space has {space.ControlPointCount} control points; a {family.Name} curve with {family.Bends} bends needs {family.ControlPoints}.");
        if (name == "random") return;
        int last = family.Bends + 1;
        using var _ = no_grad();
        for (int k = 1; k <= family.Bends; k++)
        {
            double s = family.BendTime(k);
            for (int p = 0; p < space.Layout.Count; p++)
            {
                var bend = space.Control(k, p);
                bend.copy_(space.Control(0, p));
                if (name == "linear") bend.mul_(1 - s).add_(space.Control(last, p), alpha: s);
            }
        }
    }
}
