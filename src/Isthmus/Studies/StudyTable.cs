using System.Text;
using Isthmus.Storage;

namespace Isthmus.Studies;

/// <summary>
/// A study's table written twice from the same cells: as CSV (one row per line, invariant culture, empty for a
/// missing value) and as the JSON array of row objects keyed by column name (non-finite numbers as null).
/// </summary>
public static class StudyTable
{
    public static void WriteCsv(string path, IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
    {
        var sb = new StringBuilder(string.Join(',', columns)).Append('\n');
        foreach (var row in rows) sb.Append(string.Join(',', row.Select(Cell))).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    public static JsonArray Rows(IReadOnlyList<string> columns, IEnumerable<object?[]> rows) =>
        new(rows.Select(row =>
        {
            var o = new JsonObject();
            for (int i = 0; i < columns.Count; i++) o[columns[i]] = Node(row[i]);
            return (JsonNode)o;
        }).ToArray());

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "",
        bool b => b ? "true" : "false",
        string s => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static JsonNode? Node(object? value) => value switch
    {
        null => null,
        double d => Json.Number(d),
        int i => i,
        long l => l,
        bool b => b,
        string s => s,
        _ => JsonValue.Create(value.ToString()),
    };
}
