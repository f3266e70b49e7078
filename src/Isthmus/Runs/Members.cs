using System.Text.RegularExpressions;
using Isthmus.Storage;

namespace Isthmus.Runs;

/// <summary>
/// Finds ensemble members from what a user names: a finished <c>train</c> run folder (its model.safetensors), a
/// folder of <c>member-&lt;k&gt;.safetensors</c> written by <c>fge</c>/<c>sse</c> (in numeric order of k; no other file
/// is a member), a bare <c>.safetensors</c> or PyTorch <c>.pt</c> file, or equally spaced points of a trained curve. A folder's (or a
/// file's folder's) manifest says what its networks are; for files from elsewhere the caller supplies the kind
/// (<c>--data</c>, <c>--model</c>).
/// </summary>
public static partial class Members
{
    [GeneratedRegex(@"^member-(\d+)\.safetensors$", RegexOptions.CultureInvariant)]
    private static partial Regex MemberFile();

    /// <summary>The <c>member-&lt;k&gt;.safetensors</c> files of a folder, ordered by k as a number (member-10 after member-9).</summary>
    public static IReadOnlyList<string> MemberFiles(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder)
                .Select(f => (File: f, Match: MemberFile().Match(Path.GetFileName(f))))
                .Where(x => x.Match.Success)
                .OrderBy(x => decimal.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture))
                .Select(x => Path.GetFullPath(x.File))
                .ToList()
            : [];

    /// <summary>
    /// Resolves each path to one or more members, in the order given.
    /// </summary>
    /// <param name="paths">Run folders, member folders, or checkpoint files (.safetensors, or PyTorch .pt/.pth/.bin).</param>
    /// <param name="fallback">The kind of members whose folder has no manifest (files trained elsewhere); when it
    /// names a kind and a member's manifest says otherwise, that is an error.</param>
    public static IReadOnlyList<MemberSource> Resolve(IEnumerable<string> paths, NetworkKind? fallback = null)
    {
        var members = new List<MemberSource>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = MemberFiles(path);
                if (files.Count > 0)
                {
                    var kind = KindOf(path, fallback, path);
                    members.AddRange(files.Select(f => new CheckpointMember(f, kind)));
                    continue;
                }
                if (File.Exists(Path.Combine(path, RunDirectory.ManifestFile)) && RunDirectory.Open(path).Manifest.Command == "connect")
                    throw new IsthmusException($"{path} is a curve run; ensemble points of its curve with --curve {path} --points 50.");
                var run = TrainedRun.Open(path);
                members.Add(new CheckpointMember(run.ModelPath, KindOf(path, fallback, path), run.Path));
            }
            else if (File.Exists(path))
            {
                if (!StateDict.IsCheckpointFile(path))
                    throw new IsthmusException($"{path} is not a checkpoint; pass a run folder, a folder of member-<k>.safetensors, or a .safetensors or PyTorch .pt/.pth/.bin file.");
                var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
                members.Add(new CheckpointMember(path, KindOf(folder, fallback, path)));
            }
            else
            {
                throw new IsthmusException($"{path} does not exist; pass a run folder, a folder of member-<k>.safetensors, or a .safetensors or PyTorch .pt/.pth/.bin file.");
            }
        }
        if (members.Count == 0) throw new IsthmusException("No members to ensemble; pass at least one run folder, member folder or checkpoint.");
        CheckCompatible(members);
        return members;
    }

    /// <summary><paramref name="points"/> equally spaced points t = 0, 1/(P−1), …, 1 of a finished <c>connect</c> run (docs/science.md §2, A.6).</summary>
    public static IReadOnlyList<MemberSource> CurvePoints(string curveFolder, int points)
    {
        if (points < 2) throw new IsthmusException($"--points must be at least 2 for a curve ensemble (got {points}).");
        var curve = CurveRun.Open(curveFolder);
        var kind = curve.Kind;
        var file = curve.Run.File(CurveRun.CurveFile);
        return Enumerable.Range(0, points)
            .Select(i => (MemberSource)new CurvePointMember(file, curve.Family, (double)i / (points - 1), kind, CurvePointMember.Describe(curveFolder, (double)i / (points - 1))))
            .ToList();
    }

    /// <summary>Refuses members that cannot form one ensemble: another architecture or other data.</summary>
    public static void CheckCompatible(IReadOnlyList<MemberSource> members)
    {
        var first = members[0];
        foreach (var m in members.Skip(1))
            first.Kind.RequireSame(m.Kind, first.Origin, m.Origin, "ensemble");
    }

    private static NetworkKind KindOf(string folder, NetworkKind? fallback, string named)
    {
        var recorded = File.Exists(Path.Combine(folder, RunDirectory.ManifestFile)) ? NetworkKind.Of(RunDirectory.Open(folder).Manifest) : null;
        if (recorded is null)
            return fallback ?? throw new IsthmusException($"{named} comes with no manifest.json saying what network it holds; pass --data and --model (with its --widths etc.).");
        if (fallback is not null && (!fallback.Architecture.Equals(recorded.Architecture) || fallback.Data != recorded.Data))
            throw new IsthmusException($"{named} holds {recorded.Describe()} according to its manifest, but --data/--model say {fallback.Describe()}; drop --data/--model or pass members of that kind.");
        return recorded;
    }
}
