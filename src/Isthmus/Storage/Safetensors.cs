using System.Buffers.Binary;

namespace Isthmus.Storage;

/// <summary>
/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
/// <c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {…}}</c>, then the raw
/// little-endian tensor bytes. PyTorch users read Isthmus checkpoints with <c>safetensors.torch.load_file</c> and
/// hand theirs to Isthmus the same way.
/// </summary>
public static class Safetensors
{
    private const long MaxHeader = 100L << 20;

    /// <summary>Writes tensors (in the given order) and optional string metadata atomically.</summary>
    public static void Save(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Snapshot(tensors, metadata).Write(path);

    /// <summary>
    /// The bytes of a safetensors file, copied out of the tensors now, to be written later (possibly on another thread,
    /// <see cref="BackgroundWriter"/>): the tensors may change as soon as this returns.
    /// </summary>
    public static Prepared Snapshot(IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = new List<(string Name, byte[] Bytes, string Dtype, long[] Shape)>();
        foreach (var (name, tensor) in tensors)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            items.Add((name, cpu.bytes.ToArray(), DtypeName(cpu.dtype), cpu.shape));
        }
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var kv in metadata) meta[kv.Key] = kv.Value;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var (name, bytes, dtype, shape) in items)
        {
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + bytes.Length)),
            };
            offset += bytes.Length;
        }
        return new Prepared(System.Text.Encoding.UTF8.GetBytes(header.ToJsonString()), items.Select(i => i.Bytes).ToArray());
    }

    /// <summary>A safetensors file in memory (<see cref="Snapshot"/>), written atomically by <see cref="Write"/>.</summary>
    public sealed class Prepared(byte[] header, byte[][] data)
    {
        public void Write(string path)
        {
            // Pad the header with spaces to a multiple of 8 so the data is aligned, as the reference writer does.
            int padded = (header.Length + 7) / 8 * 8;
            AtomicFile.Write(path, s =>
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
                s.Write(len);
                s.Write(header);
                for (int i = header.Length; i < padded; i++) s.WriteByte((byte)' ');
                foreach (var bytes in data) s.Write(bytes);
            });
        }
    }

    /// <summary>A loaded file: tensors by name (in file order) and metadata.</summary>
    public sealed class Contents : IDisposable
    {
        public required IReadOnlyList<string> Names { get; init; }
        public required IReadOnlyDictionary<string, Tensor> Tensors { get; init; }
        public required IReadOnlyDictionary<string, string> Metadata { get; init; }

        public void Dispose()
        {
            foreach (var t in Tensors.Values) t.Dispose();
        }
    }

    /// <summary>Reads a safetensors file, checking the header, offsets and sizes; any damage is an <see cref="IsthmusException"/>.</summary>
    public static Contents Load(string path)
    {
        if (!File.Exists(path))
            throw new IsthmusException($"{path} does not exist; check the path (a run's weights are in model.safetensors).");
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (IOException e) { throw new IsthmusException($"Cannot read {path}: {e.Message}", e); }
        string Bad(string why) => $"{path} is not a valid safetensors file ({why}); re-create it or pass another file.";
        if (data.Length < 8) throw new IsthmusException(Bad("shorter than its 8-byte header length"));
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (n == 0 || n > (ulong)Math.Min(MaxHeader, data.Length - 8)) throw new IsthmusException(Bad($"header length {n} does not fit a file of {data.Length} bytes; truncated or foreign"));
        JsonObject header;
        try
        {
            header = JsonNode.Parse(data.AsSpan(8, (int)n)) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new IsthmusException(Bad("its header is not JSON"), e);
        }
        long dataStart = 8 + (long)n, dataLength = data.Length - dataStart;
        var names = new List<string>();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    if (node is JsonObject meta)
                        foreach (var (k, v) in meta) metadata[k] = v?.GetValue<string>() ?? "";
                    continue;
                }
                if (node is not JsonObject entry) throw new IsthmusException(Bad($"entry '{name}' is not an object"));
                var dtype = ParseDtype(entry["dtype"]?.GetValue<string>(), path, name);
                var shape = (entry["shape"] as JsonArray ?? throw new IsthmusException(Bad($"'{name}' has no shape"))).Select(x => x!.GetValue<long>()).ToArray();
                var offsets = entry["data_offsets"] as JsonArray ?? throw new IsthmusException(Bad($"'{name}' has no data_offsets"));
                long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
                long count = shape.Aggregate(1L, (a, b) => a * b);
                if (begin < 0 || end < begin || end > dataLength)
                    throw new IsthmusException(Bad($"'{name}' points past the end of the data; the file is truncated"));
                if (end - begin != count * ElementSize(dtype))
                    throw new IsthmusException(Bad($"'{name}' has {end - begin} bytes for shape [{string.Join(", ", shape)}]"));
                var t = empty(shape, dtype);
                data.AsSpan((int)(dataStart + begin), (int)(end - begin)).CopyTo(t.bytes);
                tensors[name] = t.DetachFromDisposeScope();
                names.Add(name);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentOutOfRangeException)
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw new IsthmusException(Bad("its header has unexpected fields"), e);
        }
        return new Contents { Names = names, Tensors = tensors, Metadata = metadata };
    }

    private static string DtypeName(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {t} has no safetensors name"),
    };

    private static ScalarType ParseDtype(string? name, string path, string tensor) => name switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new IsthmusException($"{path}: tensor '{tensor}' has dtype '{name}', which Isthmus cannot read; convert it to F32."),
    };

    private static long ElementSize(ScalarType t) => t switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
