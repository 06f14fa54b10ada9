namespace DirectUpload;

/// <summary>A multipart upload that has been started: what the client needs to send its parts.</summary>
public sealed class MultipartUploadStart
{
    /// <summary>Gets the store's id of the multipart upload.</summary>
    public required string UploadId { get; init; }

    /// <summary>Gets the object key the upload completes to.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the size of every part but the last, in bytes.</summary>
    public required long PartSize { get; init; }

    /// <summary>Gets how many parts the upload has (1–10,000).</summary>
    public required int PartCount { get; init; }

    /// <summary>Gets the instant the token (and with it the right to sign parts and complete) expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the token that every later call presents; it binds upload id, key, owner, profile and size.</summary>
    public required string Token { get; init; }
}

/// <summary>Identifies a multipart upload (or a single upload, for confirmation) by its token and the caller.</summary>
public class UploadTokenRequest
{
    /// <summary>Gets the profile the caller names (e.g. from the URL); it must be the token's profile.</summary>
    public required string Profile { get; init; }

    /// <summary>Gets the token from the grant or the multipart start.</summary>
    public required string Token { get; init; }

    /// <summary>
    /// Gets the id of the calling user, from the host's authentication. When the token was issued to an owner,
    /// only that owner may use it.
    /// </summary>
    public string? OwnerId { get; init; }

    /// <summary>
    /// Gets the object key the caller names alongside the token (e.g. Uppy's <c>?key=</c>), or <see langword="null"/>
    /// when it names none. When given it must be exactly the token's key, else the call is refused as
    /// <see cref="UploadRejectionReason.InvalidToken"/> before anything is signed, read or deleted.
    /// </summary>
    public string? Key { get; init; }
}

/// <summary>Asks for presigned URLs for some parts of a multipart upload.</summary>
public sealed class MultipartPartsRequest : UploadTokenRequest
{
    /// <summary>Gets the part numbers to sign (1-based, distinct, at most <see cref="UploadProfileOptions.MaxPartUrlsPerRequest"/> per call, 100 by default).</summary>
    public required IReadOnlyList<int> PartNumbers { get; init; }

    /// <summary>Gets optional base64 Content-MD5 values by part number; each is signed into its part's URL.</summary>
    public IReadOnlyDictionary<int, string>? ContentMd5 { get; init; }
}

/// <summary>A presigned URL for one part.</summary>
public sealed class MultipartPartGrant
{
    /// <summary>Gets the part number.</summary>
    public required int PartNumber { get; init; }

    /// <summary>Gets the presigned <c>PUT</c> URL, percent-encoded exactly as signed.</summary>
    public required string Url { get; init; }

    /// <summary>Gets exactly the headers to send (Content-Length is the part's exact size and is signed).</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Gets the exact size of this part in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the instant the URL stops working.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>A part the store has received.</summary>
public sealed class UploadedPart
{
    /// <summary>Gets the part number.</summary>
    public required int PartNumber { get; init; }

    /// <summary>Gets the part's size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the part's ETag, as the store returned it (with quotes).</summary>
    public required string ETag { get; init; }
}

/// <summary>A part number and the ETag the store returned for it.</summary>
public sealed class PartETag
{
    /// <summary>Gets the part number.</summary>
    public required int PartNumber { get; init; }

    /// <summary>Gets the ETag (quotes optional).</summary>
    public required string ETag { get; init; }
}

/// <summary>Completes a multipart upload.</summary>
public sealed class MultipartCompleteRequest : UploadTokenRequest
{
    /// <summary>Gets every part of the upload with its ETag.</summary>
    public required IReadOnlyList<PartETag> Parts { get; init; }
}

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
