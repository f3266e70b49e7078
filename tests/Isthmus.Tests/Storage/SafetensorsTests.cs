using System.Buffers.Binary;

namespace Isthmus.Tests.Storage;

public sealed class SafetensorsTests
{
    [Fact]
    public void Round_trip_keeps_names_order_dtypes_shapes_values_and_metadata()
    {
        using var dir = new TempFolder();
        var path = dir["x.safetensors"];
        using var a = arange(12, ScalarType.Float32).reshape(3, 4);
        using var b = tensor(new long[] { 7, -1 });
        using var c = tensor(3.5, ScalarType.Float64);
        Safetensors.Save(path, [("layers.0.weight", a), ("count", b), ("scalar", c)], new Dictionary<string, string> { ["format"] = "pt" });
        using var loaded = Safetensors.Load(path);
        Assert.Equal(["layers.0.weight", "count", "scalar"], loaded.Names);
        Assert.True(Tensors.Same(a, loaded.Tensors["layers.0.weight"]));
        Assert.True(Tensors.Same(b, loaded.Tensors["count"]));
        Assert.Equal(ScalarType.Float64, loaded.Tensors["scalar"].dtype);
        Assert.Empty(loaded.Tensors["scalar"].shape);
        Assert.Equal("pt", loaded.Metadata["format"]);
    }

    [Fact]
    public void The_file_follows_the_format_byte_for_byte()
    {
        using var dir = new TempFolder();
        var path = dir["x.safetensors"];
        using var a = tensor(new float[] { 1, 2 });
        Safetensors.Save(path, [("w", a)]);
        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8);                                // header padded so data is 8-byte aligned
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        var w = header.RootElement.GetProperty("w");
        Assert.Equal("F32", w.GetProperty("dtype").GetString());
        Assert.Equal(2, w.GetProperty("shape")[0].GetInt64());
        Assert.Equal(0, w.GetProperty("data_offsets")[0].GetInt64());
        Assert.Equal(8, w.GetProperty("data_offsets")[1].GetInt64());
        Assert.Equal(8 + (int)n + 8, bytes.Length);
        Assert.Equal(2f, BitConverter.ToSingle(bytes, 8 + (int)n + 4)); // little-endian raw data
    }

    [Fact]
    public void A_truncated_file_is_refused_with_the_file_named()
    {
        using var dir = new TempFolder();
        var path = dir["t.safetensors"];
        using var a = zeros(100);
        Safetensors.Save(path, [("w", a)]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        var e = Assert.Throws<IsthmusException>(() => Safetensors.Load(path));
        Assert.Contains("t.safetensors", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x50, 0x4B, 3, 4, 0, 0, 0, 0, 1, 2, 3 })] // a zip (PyTorch's .pt) is not safetensors
    public void A_foreign_or_corrupt_file_is_refused(byte[] content)
    {
        using var dir = new TempFolder();
        var path = dir["f.safetensors"];
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<IsthmusException>(() => Safetensors.Load(path));
        Assert.Contains("not a valid safetensors file", e.Message);
    }

    [Fact]
    public void A_header_that_is_not_json_is_refused()
    {
        using var dir = new TempFolder();
        var path = dir["j.safetensors"];
        var junk = "{not json}"u8.ToArray();
        var bytes = new byte[8 + junk.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)junk.Length);
        junk.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("not JSON", Assert.Throws<IsthmusException>(() => Safetensors.Load(path)).Message);
    }

    [Fact]
    public void A_missing_file_says_so()
    {
        var e = Assert.Throws<IsthmusException>(() => Safetensors.Load("/nonexistent/model.safetensors"));
        Assert.Contains("does not exist", e.Message);
    }
}
