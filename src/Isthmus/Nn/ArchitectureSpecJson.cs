using System.Text.Json.Serialization;

namespace Isthmus.Nn;

/// <summary>
/// An <see cref="ArchitectureSpec"/> as JSON, <c>{"name": …, "options": {…}}</c> — the shape of a manifest's
/// <c>architecture</c> section — so that a settings record holding one reads back on <c>--resume</c>.
/// </summary>
public sealed class ArchitectureSpecJson : JsonConverter<ArchitectureSpec>
{
    public override ArchitectureSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("An architecture is a JSON object with a name and options.");
        string? name = null;
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString();
            reader.Read();
            if (string.Equals(key, "name", StringComparison.OrdinalIgnoreCase)) name = reader.GetString();
            else if (string.Equals(key, "options", StringComparison.OrdinalIgnoreCase) && reader.TokenType == JsonTokenType.StartObject)
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var option = reader.GetString()!;
                    reader.Read();
                    values[option] = reader.GetString() ?? "";
                }
            else reader.Skip();
        }
        return new ArchitectureSpec(name ?? throw new JsonException("An architecture needs a name."), values);
    }

    public override void Write(Utf8JsonWriter writer, ArchitectureSpec value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        writer.WriteStartObject("options");
        foreach (var kv in value.Options.OrderBy(kv => kv.Key, StringComparer.Ordinal)) writer.WriteString(kv.Key, kv.Value);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
