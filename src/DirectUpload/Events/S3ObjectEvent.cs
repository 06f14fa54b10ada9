using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DirectUpload;

/// <summary>One record of an S3 event notification (e.g. <c>ObjectCreated:Put</c>), with the key already URL-decoded.</summary>
public sealed class S3ObjectEvent
{
    /// <summary>Gets the event name, e.g. <c>ObjectCreated:Put</c> or <c>ObjectRemoved:Delete</c>.</summary>
    public required string EventName { get; init; }

    /// <summary>Gets when the event happened.</summary>
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>Gets the region of the bucket.</summary>
    public string? Region { get; init; }

    /// <summary>Gets the bucket name.</summary>
    public required string Bucket { get; init; }

    /// <summary>Gets the object key, decoded (S3 sends it form-URL-encoded: <c>+</c> for space, <c>%XX</c> for UTF-8 bytes).</summary>
    public required string Key { get; init; }

    /// <summary>Gets the object size in bytes (0 for removals).</summary>
    public long Size { get; init; }

    /// <summary>Gets the object's ETag, if given.</summary>
    public string? ETag { get; init; }

    /// <summary>Gets the version id, if versioning is on.</summary>
    public string? VersionId { get; init; }

    /// <summary>Gets the sequencer, which orders events for the same key.</summary>
    public string? Sequencer { get; init; }

    /// <summary>Gets a value indicating whether the event is an <c>ObjectCreated:*</c> event.</summary>
    public bool IsObjectCreated => EventName.StartsWith("ObjectCreated:", StringComparison.Ordinal);
}

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
                events.Add(new S3ObjectEvent
                {
                    EventName = record.GetProperty("eventName").GetString() ?? string.Empty,
                    EventTime = record.TryGetProperty("eventTime", out var time) && time.ValueKind == JsonValueKind.String
                        ? DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                        : default,
                    Region = record.TryGetProperty("awsRegion", out var region) ? region.GetString() : null,
                    Bucket = s3.GetProperty("bucket").GetProperty("name").GetString() ?? string.Empty,
                    Key = WebUtility.UrlDecode(obj.GetProperty("key").GetString() ?? string.Empty),
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
}

/// <summary>Post-processing for stored objects (thumbnails, metadata extraction…), driven by S3 event notifications.</summary>
public interface IS3ObjectEventProcessor
{
    /// <summary>Handles one event.</summary>
    /// <param name="objectEvent">The event.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    ValueTask ProcessAsync(S3ObjectEvent objectEvent, CancellationToken cancellationToken);
}

/// <summary>Parses a notification and hands every record to every registered <see cref="IS3ObjectEventProcessor"/>.</summary>
public interface IS3EventDispatcher
{
    /// <summary>Dispatches a notification (from a Lambda handler, a queue worker or a webhook).</summary>
    /// <param name="json">The notification JSON.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The number of records dispatched.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not an S3 event notification.</exception>
    Task<int> DispatchAsync(string json, CancellationToken cancellationToken = default);
}
