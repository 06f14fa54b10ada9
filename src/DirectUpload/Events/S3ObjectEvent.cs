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

    /// <summary>Gets the event source, e.g. <c>aws:s3</c> or <c>ceph:s3</c> (Ceph RGW).</summary>
    public string? Source { get; init; }

    /// <summary>
    /// Gets the object key, decoded: AWS (and MinIO) send it form-URL-encoded (<c>+</c> for space, <c>%XX</c> for UTF-8
    /// bytes); Ceph RGW (<c>eventSource</c> <c>ceph:s3</c>) sends it as is.
    /// </summary>
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
