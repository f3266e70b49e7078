namespace Isthmus.Tests.Storage;

public sealed class BackgroundWriterTests
{
    [Fact]
    public void Writes_land_in_order_and_a_snapshot_is_independent_of_later_changes()
    {
        using var folder = new TempFolder();
        using var t = ones(4);
        var snapshot = Safetensors.Snapshot([("w", t)]);
        t.fill_(7f); // after the snapshot: must not reach the file
        var log = new List<int>();
        using (var writer = new BackgroundWriter())
        {
            writer.Enqueue(() => snapshot.Write(folder["a.safetensors"]));
            for (int i = 0; i < 20; i++)
            {
                int k = i;
                writer.Enqueue(() => { lock (log) log.Add(k); });
            }
            writer.Flush();
        }
        Assert.Equal(Enumerable.Range(0, 20), log);
        using var file = Safetensors.Load(folder["a.safetensors"]);
        Assert.True(Tensors.Same(file.Tensors["w"], ones(4)));
    }

    [Fact]
    public void A_failed_write_is_rethrown_by_Flush_as_its_one_sentence_error_and_later_writes_are_skipped()
    {
        using var folder = new TempFolder();
        using var writer = new BackgroundWriter();
        var snapshot = Safetensors.Snapshot([("w", zeros(2))]);
        writer.Enqueue(() => snapshot.Write(System.IO.Path.Combine(folder.Path, "missing", "m.safetensors")));
        bool ran = false;
        writer.Enqueue(() => ran = true);
        var e = Assert.Throws<IsthmusException>(writer.Flush);
        Assert.StartsWith("Cannot write", e.Message);
        Assert.False(ran);
        writer.Flush(); // the failure is reported once
    }
}
