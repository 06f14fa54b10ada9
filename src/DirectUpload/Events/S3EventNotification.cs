using System.Globalization;
using System.Text.Json;

namespace DirectUpload;

/// <summary>Parses S3 event notification JSON as S3 sends it to Lambda, SQS, SNS (wrapped) or EventBridge-less webhooks.</summary>
public static class S3EventNotification
{
    /// <summary>
    /// Parses a notification. Accepts the plain <c>{"Records":[…]}</c> document, an SNS envelope whose <c>Message</c> holds it,
    /// and the <c>s3:TestEvent</c> S3 sends when notifications are configured (which yields no records).
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The object events, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not an S3 event notification.</exception>
    public static IReadOnlyList<S3ObjectEvent> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return Parse(message.GetString()!);
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Event", out var testEvent) && testEvent.GetString() == "s3:TestEvent")
            {
                return [];
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("The JSON is not an S3 event notification (no Records array).");
            }

            var events = new List<S3ObjectEvent>(records.GetArrayLength());
            foreach (var record in records.EnumerateArray())
            {
                var s3 = record.GetProperty("s3");
                var obj = s3.GetProperty("object");
                var source = record.TryGetProperty("eventSource", out var src) && src.ValueKind == JsonValueKind.String ? src.GetString() : null;
                var rawKey = obj.GetProperty("key").GetString() ?? string.Empty;
                events.Add(new S3ObjectEvent
                {
                    Source = source,
                    EventName = record.GetProperty("eventName").GetString() ?? string.Empty,
                    EventTime = record.TryGetProperty("eventTime", out var time) && time.ValueKind == JsonValueKind.String
                        ? DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                        : default,
                    Region = record.TryGetProperty("awsRegion", out var region) ? region.GetString() : null,
                    Bucket = s3.GetProperty("bucket").GetProperty("name").GetString() ?? string.Empty,
                    Key = source is not null && source.StartsWith("ceph:", StringComparison.Ordinal) ? rawKey : DecodeKey(rawKey),
                    Size = obj.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number ? size.GetInt64() : 0,
                    ETag = obj.TryGetProperty("eTag", out var etag) ? etag.GetString() : null,
                    VersionId = obj.TryGetProperty("versionId", out var version) ? version.GetString() : null,
                    Sequencer = obj.TryGetProperty("sequencer", out var sequencer) ? sequencer.GetString() : null,
                });
            }

            return events;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("The JSON is not a well-formed S3 event notification.", e);
        }
    }

    /// <summary>
    /// Decodes a form-URL-encoded key as AWS writes it into events (<c>+</c> for space, <c>%XX</c> for each UTF-8 byte), strictly:
    /// a malformed escape or invalid UTF-8 is a <see cref="FormatException"/>, never a silently different key.
    /// </summary>
    /// <param name="encoded">The encoded key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FormatException">The text is not well-formed.</exception>
    public static string DecodeKey(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.AsSpan().IndexOfAny('%', '+') < 0)
        {
            return encoded;
        }

        var bytes = new List<byte>(encoded.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= encoded.Length || !char.IsAsciiHexDigit(encoded[i + 1]) || !char.IsAsciiHexDigit(encoded[i + 2]))
                {
                    throw new FormatException("The event's object key has a malformed %-escape.");
                }

                bytes.Add((byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2])));
                i += 2;
            }
            else
            {
                var rune = char.IsSurrogate(c) && i + 1 < encoded.Length && System.Text.Rune.TryCreate(c, encoded[i + 1], out var pair)
                    ? pair
                    : System.Text.Rune.TryCreate(c, out var single) ? single : throw new FormatException("The event's object key is not valid UTF-16.");
                var n = rune.EncodeToUtf8(utf8);
                for (var j = 0; j < n; j++)
                {
                    bytes.Add(utf8[j]);
                }

                i += rune.Utf16SequenceLength - 1;
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new FormatException("The event's object key is not valid UTF-8 once decoded.", e);
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
