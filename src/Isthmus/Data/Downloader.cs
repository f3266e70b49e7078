using System.Security.Cryptography;

namespace Isthmus.Data;

/// <summary>Streams one URL to disk, hashing as it goes, and renames it into place only once the hash matches.</summary>
internal static class Downloader
{
    private const int ChunkBytes = 1 << 18;

    // One client for the process, as HttpClient is meant to be used; the timeout covers slow mirrors, not stalls.
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(15) };

    public static async Task DownloadAsync(RemoteFile remote, string destination, IProgress<FetchProgress>? progress, CancellationToken ct)
    {
        var partial = destination + ".part";
        string sha;
        try
        {
            using var response = await Http.GetAsync(remote.Url, HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            var total = response.Content.Headers.ContentLength;
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, ChunkBytes, useAsync: true))
            {
                var buffer = new byte[ChunkBytes];
                long done = 0;
                progress?.Report(new FetchProgress(remote.FileName, 0, total));
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                    done += read;
                    progress?.Report(new FetchProgress(remote.FileName, done, total));
                }
            }
            sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        catch (HttpRequestException e)
        {
            throw new IsthmusException(
                $"Could not download {remote.Url} ({e.Message}); check the network connection and run the fetch again.", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new IsthmusException(
                $"Downloading {remote.Url} timed out; check the network connection and run the fetch again.", e);
        }
        catch (IOException e) when (e is not FileNotFoundException && IsNetworkError(e))
        {
            throw new IsthmusException(
                $"The connection broke while downloading {remote.Url} ({e.Message}); run the fetch again.", e);
        }

        if (sha != remote.Sha256)
        {
            File.Delete(partial);
            throw new IsthmusException(
                $"{remote.Url} has SHA-256 {sha}, expected {remote.Sha256}; the mirror serves a different file, so retry later or place the expected file by hand.");
        }
        File.Move(partial, destination, overwrite: true);
    }

    // A response stream that dies mid-body surfaces as an IOException wrapping a socket or HTTP error, unlike a
    // local write failure (disk full, permissions), which DataFetcher reports with its own fix.
    private static bool IsNetworkError(IOException e) =>
        e.InnerException is System.Net.Sockets.SocketException or HttpRequestException or HttpIOException
        || e is HttpIOException;
}
