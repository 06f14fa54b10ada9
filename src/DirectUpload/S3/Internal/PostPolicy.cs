using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DirectUpload.S3.Internal;

/// <summary>Builds the JSON of an S3 POST policy (exact-match conditions, one content-length-range) and its base64 form.</summary>
internal static class PostPolicy
{
    /// <summary>Writes the policy document.</summary>
    /// <param name="expiration">When the policy expires.</param>
    /// <param name="exactConditions">Field name → exact value conditions, in order (the bucket first).</param>
    /// <param name="minLength">content-length-range minimum.</param>
    /// <param name="maxLength">content-length-range maximum.</param>
    /// <returns>The UTF-8 JSON.</returns>
    public static byte[] Write(DateTimeOffset expiration, IEnumerable<KeyValuePair<string, string>> exactConditions, long minLength, long maxLength)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("expiration", expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteStartArray("conditions");
            foreach (var (name, value) in exactConditions)
            {
                writer.WriteStartObject();
                writer.WriteString(name, value);
                writer.WriteEndObject();
            }

            writer.WriteStartArray();
            writer.WriteStringValue("content-length-range");
            writer.WriteNumberValue(minLength);
            writer.WriteNumberValue(maxLength);
            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string ToBase64(byte[] json) => Convert.ToBase64String(json);

    public static string ToText(byte[] json) => Encoding.UTF8.GetString(json);
}
