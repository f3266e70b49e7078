using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;

namespace Isthmus.Tests.Data;

/// <summary>Fetching without the network: a local HTTP listener, local archives, and failure paths.</summary>
[Collection(DataRootCollection.Name)]
public sealed class DataFetcherTests
{
    [Fact]
    public async Task Unknown_name_lists_the_fetchable_names()
    {
        var error = await Assert.ThrowsAsync<IsthmusException>(() => DataFetcher.FetchAsync("cifar10", "/tmp"));
        Assert.Contains("mnist, fashion-mnist, fortunes", error.Message);
    }

    [Fact]
    public void Nothing_is_present_in_an_empty_root()
    {
        using var tmp = new TempFolder();
        Assert.False(DataFetcher.IsPresent("mnist", tmp.Path));
    }

    [Fact]
    public async Task A_root_that_cannot_hold_folders_is_an_error_with_the_fix()
    {
        using var tmp = new TempFolder();
        var notAFolder = tmp["file"];
        File.WriteAllText(notAFolder, "x");

        var error = await Assert.ThrowsAsync<IsthmusException>(() => DataFetcher.FetchAsync("mnist", notAFolder));
        Assert.Contains("--data-root", error.Message);
    }

    [Fact]
    public async Task Download_verifies_the_checksum_renames_into_place_and_reports_progress()
    {
        using var tmp = new TempFolder();
        var payload = RandomNumberGenerator.GetBytes(300_000);
        using var server = new OneFileServer(payload);
        var reports = new List<FetchProgress>();

        var remote = new RemoteFile(server.Url, "blob.bin", Convert.ToHexStringLower(SHA256.HashData(payload)));
        await Downloader.DownloadAsync(remote, tmp["blob.bin"], new SynchronousProgress(reports), default);

        Assert.Equal(payload, File.ReadAllBytes(tmp["blob.bin"]));
        Assert.False(File.Exists(tmp["blob.bin.part"]));
        Assert.Equal(new FetchProgress("blob.bin", 300_000, 300_000), reports[^1]);
    }

    [Fact]
    public async Task A_checksum_mismatch_is_an_error_and_leaves_no_file()
    {
        using var tmp = new TempFolder();
        using var server = new OneFileServer([1, 2, 3]);
        var remote = new RemoteFile(server.Url, "blob.bin", new string('0', 64));

        var error = await Assert.ThrowsAsync<IsthmusException>(() => Downloader.DownloadAsync(remote, tmp["blob.bin"], null, default));
        Assert.Contains(new string('0', 64), error.Message);
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public async Task An_unreachable_server_is_an_error_naming_the_url()
    {
        using var tmp = new TempFolder();
        var remote = new RemoteFile("http://127.0.0.1:9/nothing.tgz", "nothing.tgz", new string('0', 64));

        var error = await Assert.ThrowsAsync<IsthmusException>(() => Downloader.DownloadAsync(remote, tmp["x"], null, default));
        Assert.Contains("http://127.0.0.1:9/nothing.tgz", error.Message);
        Assert.Contains("network", error.Message);
    }

    [Fact]
    public void Tgz_extraction_keeps_only_the_flat_files_of_the_folder()
    {
        using var tmp = new TempFolder();
        var archive = tmp["a.tgz"];
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var (name, text) in new[] { ("package/data/one", "1"), ("package/data/sub/two", "2"), ("package/readme", "r") })
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("x"u8.ToArray().Concat(System.Text.Encoding.ASCII.GetBytes(text)).ToArray()) });
        }
        var outDir = Directory.CreateDirectory(tmp["out"]).FullName;

        ArchiveUnpacker.ExtractTarGz(archive, "package/data/", outDir);

        Assert.Equal(new[] { "one" }, Directory.GetFiles(outDir).Select(Path.GetFileName));
        Assert.Equal("x1", File.ReadAllText(Path.Combine(outDir, "one")));
    }

    [Fact]
    public void Fortunes_are_the_ordinal_concatenation_of_the_text_files_of_both_packages()
    {
        using var tmp = new TempFolder();
        var debA = BuildDeb(tmp, "a", new() { ["zeta"] = "Z\n%\n", ["alpha"] = "A\n%\n", ["alpha.dat"] = "idx", ["alpha.u8"] = "u8" }, link: ("beta", "alpha"));
        var debB = BuildDeb(tmp, "b", new() { ["Mid"] = "M\n%\n" }, link: null);
        var scratch = Directory.CreateDirectory(tmp["scratch"]).FullName;
        var staging = Directory.CreateDirectory(tmp["staging"]).FullName;

        FetchSource.Fortunes.Extract([debA, debB], scratch, staging);

        // Ordinal: "Mid" < "alpha" < "zeta"; .dat/.u8 indexes and the symbolic link "beta" are skipped.
        Assert.Equal("M\n%\nA\n%\nZ\n%\n", File.ReadAllText(Path.Combine(staging, "fortunes.txt")));
    }

    [Fact]
    public void DefaultRoot_prefers_ISTHMUS_DATA_and_otherwise_the_repository_data_folder()
    {
        var saved = Environment.GetEnvironmentVariable("ISTHMUS_DATA");
        try
        {
            Environment.SetEnvironmentVariable("ISTHMUS_DATA", "/some/where");
            Assert.Equal("/some/where", DataFetcher.DefaultRoot());
            Environment.SetEnvironmentVariable("ISTHMUS_DATA", null);
            var root = DataFetcher.DefaultRoot();
            Assert.Equal("data", Path.GetFileName(root));
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(root)!, "Isthmus.slnx")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ISTHMUS_DATA", saved);
        }
    }

    private static string BuildDeb(TempFolder tmp, string name, Dictionary<string, string> fortunes, (string Link, string Target)? link)
    {
        var root = tmp["deb-" + name];
        Directory.CreateDirectory(Path.Combine(root, "DEBIAN"));
        File.WriteAllText(Path.Combine(root, "DEBIAN/control"),
            $"Package: test-{name}\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n");
        var dir = Directory.CreateDirectory(Path.Combine(root, "usr/share/games/fortunes")).FullName;
        foreach (var (file, text) in fortunes) File.WriteAllText(Path.Combine(dir, file), text);
        if (link is { } l) File.CreateSymbolicLink(Path.Combine(dir, l.Link), l.Target);
        var deb = tmp[name + ".deb"];
        using var process = Process.Start(new ProcessStartInfo("dpkg-deb", ["--root-owner-group", "--build", root, deb])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return deb;
    }

    /// <summary>IProgress that records on the reporting thread (Progress&lt;T&gt; would post asynchronously).</summary>
    private sealed class SynchronousProgress(List<FetchProgress> reports) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value) => reports.Add(value);
    }

    /// <summary>Serves one payload at a loopback URL until disposed.</summary>
    private sealed class OneFileServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public OneFileServer(byte[] payload)
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/file";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await _listener.GetContextAsync(); } catch { return; }
                    context.Response.ContentLength64 = payload.Length;
                    await context.Response.OutputStream.WriteAsync(payload);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public void Dispose() => _listener.Close();

        private static int FreePort()
        {
            var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            var port = ((IPEndPoint)socket.LocalEndpoint).Port;
            socket.Stop();
            return port;
        }
    }
}
