using System.Security.Cryptography;

namespace Isthmus.Data;

/// <summary>SHA-256 in the lower-case hex form the checksum constants and run records use.</summary>
internal static class FileHash
{
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>True when <paramref name="path"/> exists and hashes to <paramref name="sha256"/>.</summary>
    public static bool Matches(string path, string sha256) =>
        File.Exists(path) && string.Equals(Sha256OfFile(path), sha256, StringComparison.OrdinalIgnoreCase);
}
