namespace DirectUpload;

/// <summary>What an upload token vouches for: the grant's key, profile, owner, declared size and type, and expiry.</summary>
public sealed record UploadTicket
{
    /// <summary>Gets the profile name.</summary>
    public required string Profile { get; init; }

    /// <summary>Gets the object key.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the owner id, or <see langword="null"/>.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Gets the declared size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the granted content type.</summary>
    public required string ContentType { get; init; }

    /// <summary>Gets the instant the token stops being accepted.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the multipart upload id, for multipart tokens; otherwise <see langword="null"/>.</summary>
    public string? UploadId { get; init; }

    /// <summary>Gets the part size, for multipart tokens; otherwise 0.</summary>
    public long PartSize { get; init; }

    /// <summary>
    /// Gets the base64 Content-MD5 the grant was issued for, if any. Confirmation compares it with the stored object's
    /// ETag, so integrity holds even on stores that do not verify Content-MD5 themselves.
    /// </summary>
    public string? ContentMd5 { get; init; }

    /// <summary>
    /// Gets a compact digest of the user metadata the grant stamps on the object (profile and client metadata), or
    /// <see langword="null"/> when it stamps none. Confirmation refuses an object whose stored <c>x-amz-meta-*</c> set differs.
    /// </summary>
    public string? MetadataDigest { get; init; }
}
