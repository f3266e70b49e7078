using System.IO.Compression;

namespace Isthmus.Data;

/// <summary>
/// NumPy's <c>.npz</c>: a zip of <c>.npy</c> arrays (<c>numpy.savez</c>, or <c>savez_compressed</c>), read by name.
/// </summary>
public static class NpzReader
{
    /// <summary>Reads the arrays <paramref name="names"/> from <paramref name="path"/>; a missing one is named in one sentence.</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path, IReadOnlyList<string> names)
    {
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new IsthmusException($"{path} is not an .npz file (not a zip archive); save the arrays with numpy.savez.", e); }
        using (zip)
        {
            var present = zip.Entries.Select(e => e.FullName).Where(n => n.EndsWith(".npy", StringComparison.Ordinal)).Select(n => n[..^4]).ToList();
            var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var entry = zip.GetEntry(name + ".npy") ?? throw new IsthmusException(
                    $"{path} has no array '{name}' (it holds {(present.Count == 0 ? "none" : string.Join(", ", present))}); save {string.Join(", ", names)} with numpy.savez.");
                using var stream = entry.Open();
                using var buffer = new MemoryStream((int)Math.Min(entry.Length, int.MaxValue));
                stream.CopyTo(buffer);
                arrays[name] = NpyArray.Parse(buffer.ToArray(), name, path);
            }
            return arrays;
        }
    }
}
