namespace Isthmus.Data;

/// <summary>
/// How far one download has come, for the progress bar the command line draws.
/// </summary>
/// <param name="File">The file being fetched (its name, not its path).</param>
/// <param name="BytesDone">Bytes received so far.</param>
/// <param name="TotalBytes">The full size when the server announced it; null when it did not.</param>
public sealed record FetchProgress(string File, long BytesDone, long? TotalBytes);
