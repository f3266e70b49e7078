using System.Buffers.Binary;
using System.Text.RegularExpressions;

namespace Isthmus.Data;

/// <summary>
/// One array in NumPy's <c>.npy</c> format (numpy's <c>format.py</c>, versions 1–3): the magic <c>\x93NUMPY</c>, a
/// version, a little-endian header length, a Python-literal header
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (N, H, W)}</c>, then the raw elements in C order.
/// Read without NumPy; object arrays and Fortran order are refused.
/// </summary>
public sealed partial class NpyArray
{
    private NpyArray() { }

    private byte[] _data = [];
    private int _offset;

    /// <summary>The array's name in its <c>.npz</c> (or file name), for messages.</summary>
    public required string Name { get; init; }

    /// <summary>NumPy's type string, e.g. <c>|u1</c> or <c>&lt;f4</c>.</summary>
    public required string Descr { get; init; }

    public required long[] Shape { get; init; }

    /// <summary>The torch type of the elements.</summary>
    public required ScalarType Dtype { get; init; }

    /// <summary>True for integer (and boolean) element types.</summary>
    public bool IsInteger => Dtype is ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64 or ScalarType.Bool;

    /// <summary>Shape as NumPy prints it, e.g. <c>(100, 28, 28)</c>.</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Length == 1 ? ",)" : ")");

    /// <summary>A new CPU tensor holding the elements.</summary>
    public Tensor ToTensor()
    {
        var t = empty(Shape, Dtype);
        _data.AsSpan(_offset, (int)t.bytes.Length).CopyTo(t.bytes);
        return t;
    }

    /// <summary>Parses <paramref name="bytes"/>; every problem is one <see cref="IsthmusException"/> naming <paramref name="source"/>.</summary>
    public static NpyArray Parse(byte[] bytes, string name, string source)
    {
        string Bad(string why) => $"{source}: '{name}' is not a valid .npy array ({why}); save it again with numpy.savez.";
        if (bytes.Length < 10 || bytes[0] != 0x93 || bytes[1] != 'N' || bytes[2] != 'U' || bytes[3] != 'M' || bytes[4] != 'P' || bytes[5] != 'Y')
            throw new IsthmusException(Bad("no \\x93NUMPY magic"));
        int major = bytes[6];
        int headerLength, start;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); start = 10; }
        else if (major is 2 or 3 && bytes.Length >= 12) { headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)); start = 12; }
        else throw new IsthmusException(Bad($"format version {major}"));
        if (headerLength < 0 || start + headerLength > bytes.Length) throw new IsthmusException(Bad("truncated header"));
        var header = System.Text.Encoding.Latin1.GetString(bytes, start, headerLength);

        var descr = DescrPattern().Match(header) is { Success: true } d ? d.Groups[1].Value : throw new IsthmusException(Bad("no descr"));
        if (FortranPattern().Match(header) is { Success: true } f && f.Groups[1].Value == "True")
            throw new IsthmusException($"{source}: '{name}' is stored in Fortran order; save numpy.ascontiguousarray({name}) instead.");
        var shapeMatch = ShapePattern().Match(header);
        if (!shapeMatch.Success) throw new IsthmusException(Bad("no shape"));
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => long.TryParse(s, out var v) && v >= 0 ? v : throw new IsthmusException(Bad($"shape entry '{s}'"))).ToArray();
        var dtype = TypeOf(descr) ?? throw new IsthmusException(
            $"{source}: '{name}' has NumPy type '{descr}', which Isthmus does not read; store images as uint8 or float32 and labels as int64.");

        long count = shape.Aggregate(1L, (a, b) => a * b);
        long size = count * ElementSize(dtype);
        int offset = start + headerLength;
        if (size != bytes.Length - offset)
            throw new IsthmusException(Bad($"{bytes.Length - offset} data bytes for shape ({string.Join(", ", shape)}) of '{descr}'; the file is truncated"));
        return new NpyArray { Name = name, Descr = descr, Shape = shape, Dtype = dtype, _data = bytes, _offset = offset };
    }

    // Little-endian or byte-sized types only ('|' = not applicable, '<' = little-endian, '=' = native, which is little here).
    private static ScalarType? TypeOf(string descr) => descr.Length < 2 || descr[0] is not ('<' or '|' or '=') ? null : descr[1..] switch
    {
        "u1" => ScalarType.Byte,
        "i1" => ScalarType.Int8,
        "b1" => ScalarType.Bool,
        "i2" => ScalarType.Int16,
        "i4" => ScalarType.Int32,
        "i8" => ScalarType.Int64,
        "f2" => ScalarType.Float16,
        "f4" => ScalarType.Float32,
        "f8" => ScalarType.Float64,
        _ => null,
    };

    private static long ElementSize(ScalarType t) => t switch
    {
        ScalarType.Int64 or ScalarType.Float64 => 8,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int16 or ScalarType.Float16 => 2,
        _ => 1,
    };

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
