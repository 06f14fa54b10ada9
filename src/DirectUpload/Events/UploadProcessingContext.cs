namespace DirectUpload;

/// <summary>What an <see cref="IUploadProcessor"/> is told about an upload.</summary>
public sealed class UploadProcessingContext
{
    /// <summary>Gets the confirmed object (profile, key, size, type, ETag, owner), as checked against its grant.</summary>
    public required UploadedObject Upload { get; init; }

    /// <summary>Gets the bucket that holds the object.</summary>
    public required string Bucket { get; init; }

    /// <summary>Gets the event record that announced the object.</summary>
    public required S3ObjectEvent Event { get; init; }

    /// <summary>Gets the number of the delivery (1 for the first) that runs the processor.</summary>
    public required int Delivery { get; init; }

    /// <summary>Gets the number of the attempt within this delivery (1 for the first).</summary>
    public required int Attempt { get; init; }
}
