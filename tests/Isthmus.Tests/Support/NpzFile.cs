using System.IO.Compression;
using System.Text;

namespace Isthmus.Tests;

/// <summary>Writes small <c>.npz</c> files as numpy.savez does (one .npy v1 entry per array), for the refusal tests.</summary>
internal static class NpzFile
{
    public static void Write(string path, params (string Name, string Descr, long[] Shape, byte[] Data)[] arrays)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, descr, shape, data) in arrays)
        {
            var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
            var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
            header = header.PadRight((header.Length + 11) / 64 * 64 + 63 - 10) + "\n";
            using var s = zip.CreateEntry(name + ".npy").Open();
            s.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
            s.Write(BitConverter.GetBytes((ushort)header.Length));
            s.Write(Encoding.ASCII.GetBytes(header));
            s.Write(data);
        }
    }

    public static (string, string, long[], byte[]) Bytes(string name, params long[] shape) =>
        (name, "|u1", shape, Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => (byte)(i * 37)).ToArray());

    public static (string, string, long[], byte[]) Longs(string name, params long[] values) =>
        (name, "<i8", [values.Length], values.SelectMany(BitConverter.GetBytes).ToArray());

    public static (string, string, long[], byte[]) Floats(string name, params float[] values) =>
        (name, "<f4", [values.Length], values.SelectMany(BitConverter.GetBytes).ToArray());
}
