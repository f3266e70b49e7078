namespace Isthmus.Storage;

/// <summary>One JSON style for every file Isthmus writes: snake_case keys, indented, non-finite numbers as null.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes <paramref name="node"/> atomically.</summary>
    public static void Write(string path, JsonNode node) => AtomicFile.WriteAllText(path, node.ToJsonString(Options) + "\n");

    public static void Write<T>(string path, T value) => AtomicFile.WriteAllText(path, Serialize(value) + "\n");

    public static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new IsthmusException($"{path} is not a JSON object; the run folder is damaged.");
        }
        catch (JsonException e)
        {
            throw new IsthmusException($"{path} is not valid JSON ({e.Message}); the run folder is damaged — re-create it.", e);
        }
    }

    /// <summary>A number for JSON: finite doubles as numbers, NaN/∞ as null.</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 10)) : null;
}
