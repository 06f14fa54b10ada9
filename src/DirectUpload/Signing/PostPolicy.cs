using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>Builds the JSON of an S3 POST policy (exact-match conditions, one content-length-range) and its base64 form.</summary>
internal static class PostPolicy
{
    private const string ExpirationFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Writes the policy document.</summary>
    /// <param name="expiration">When the policy expires.</param>
    /// <param name="exactConditions">Field name → exact value conditions, in order (the bucket first).</param>
    /// <param name="minLength">content-length-range minimum.</param>
    /// <param name="maxLength">content-length-range maximum.</param>
    /// <returns>The UTF-8 JSON.</returns>
    public static byte[] Write(DateTimeOffset expiration, IEnumerable<KeyValuePair<string, string>> exactConditions, long minLength, long maxLength)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("expiration", expiration.UtcDateTime.ToString(ExpirationFormat, CultureInfo.InvariantCulture));
            writer.WriteStartArray("conditions");
            foreach (var (name, value) in exactConditions)
            {
                writer.WriteStartObject();
                if (value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
                {
                    writer.WriteString(name, value);
                }
                else
                {
                    // Characters beyond the BMP (emoji) go raw: the default encoder writes them as an escaped surrogate pair,
                    // which Ceph RGW decodes wrongly, so the key condition never matched (KeyEncodingTests).
                    writer.WritePropertyName(name);
                    var escaped = value.EnumerateRunes().Select(r => r.IsBmp ? JsonEncodedText.Encode(r.ToString()).Value : r.ToString());
                    writer.WriteRawValue(string.Concat("\"", string.Concat(escaped), "\""));
                }

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

    /// <summary>
    /// Creates the base64 policy whose conditions are the bucket then every field (in order) as exact matches, and its
    /// signature. The JSON is the same as <see cref="Write"/>'s; for ASCII fields it is written without a JSON writer.
    /// The policy is returned as its base64 bytes, for <see cref="GrantParameters.AddBase64"/>.
    /// </summary>
    public static (byte[] Policy, string Signature) CreateSigned(
        DateTimeOffset expiration,
        string bucket,
        GrantParameters fields,
        long minLength,
        long maxLength,
        SigningScope scope)
    {
        var maxJson = MaxAsciiLength(bucket, fields);
        if (maxJson < 0)
        {
            var conditions = new List<KeyValuePair<string, string>>(fields.Count + 1) { new("bucket", bucket) };
            conditions.AddRange(fields);
            return Sign(Write(expiration, conditions, minLength, maxLength), scope);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(maxJson);
        try
        {
            var json = new AsciiJsonWriter(buffer);
            json.WriteRaw("{\"expiration\":\""u8);
            json.WriteIsoMillisecondsUtc(expiration.UtcDateTime);
            json.WriteRaw("\",\"conditions\":[{\"bucket\":"u8);
            json.WriteString(bucket);
            for (var i = 0; i < fields.Count; i++)
            {
                var (name, value) = fields.At(i);
                json.WriteRaw("},{"u8);
                json.WriteString(name);
                json.WriteRaw(":"u8);
                json.WriteString(value);
            }

            json.WriteRaw("},[\"content-length-range\","u8);
            json.WriteNumber(minLength);
            json.WriteRaw(","u8);
            json.WriteNumber(maxLength);
            json.WriteRaw("]]}"u8);
            return Sign(json.Written, scope);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Base64-encodes the policy and signs the base64 text: two allocations, the base64 bytes and the signature returned.</summary>
    private static (byte[] Policy, string Signature) Sign(ReadOnlySpan<byte> json, SigningScope scope)
    {
        var policy = new byte[Base64.GetMaxEncodedToUtf8Length(json.Length)];
        Base64.EncodeToUtf8(json, policy, out _, out var written);
        if (written != policy.Length)
        {
            throw new InvalidOperationException("Base64 wrote fewer bytes than its own bound."); // padding makes them equal
        }

        return (policy, SigV4Signer.SignPolicy(policy, scope));
    }

    /// <summary>An upper bound of the policy's length when every name and value is ASCII, else -1.</summary>
    private static int MaxAsciiLength(string bucket, GrantParameters fields)
    {
        if (!AsciiJsonWriter.IsAscii(bucket))
        {
            return -1;
        }

        var length = 160 + AsciiJsonWriter.MaxEscapedLength(bucket); // the fixed text, the date and two numbers
        for (var i = 0; i < fields.Count; i++)
        {
            var (name, value) = fields.At(i);
            if (!AsciiJsonWriter.IsAscii(name, value))
            {
                return -1;
            }

            length += 5 + AsciiJsonWriter.MaxEscapedLength(name, value);
        }

        return length;
    }
}
