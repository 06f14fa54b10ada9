using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectUpload.Client.Internal;

/// <summary>
/// Reads a JSON object of strings into a map that keeps the document's order (POST fields must be sent in order)
/// and looks names up case-insensitively (header names); writes it back in the same order.
/// </summary>
internal sealed class OrderedStringMapConverter : JsonConverter<IReadOnlyDictionary<string, string>>
{
    public static readonly IReadOnlyDictionary<string, string> Empty =
        new ReadOnlyDictionary<string, string>(new OrderedDictionary<string, string>(0, StringComparer.OrdinalIgnoreCase));

    public override IReadOnlyDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return Empty;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected a JSON object of strings.");
        }

        var map = new OrderedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"Expected a string value for '{name}'.");
            }

            map[name] = reader.GetString()!;
        }

        return new ReadOnlyDictionary<string, string>(map);
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, text) in value)
        {
            writer.WriteString(name, text);
        }

        writer.WriteEndObject();
    }
}
