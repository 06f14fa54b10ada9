namespace DirectUpload;

/// <summary>The facts of a stored object, as confirmed against the store.</summary>
public sealed class UploadedObject
{
    /// <summary>Gets the profile the object was uploaded under.</summary>
    public required string Profile { get; init; }

    /// <summary>Gets the object key.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the stored content type.</summary>
    public required string ContentType { get; init; }

    /// <summary>Gets the ETag (with quotes, as the store returns it).</summary>
    public required string ETag { get; init; }

    /// <summary>Gets the owner id the upload was granted to, if any.</summary>
    public string? OwnerId { get; init; }
}
