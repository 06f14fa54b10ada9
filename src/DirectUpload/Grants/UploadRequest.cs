namespace DirectUpload;

/// <summary>What a client asks to upload. Every member is untrusted input and is checked before anything is signed.</summary>
public sealed class UploadRequest
{
    /// <summary>Gets the name of the configured profile to upload under.</summary>
    public required string Profile { get; init; }

    /// <summary>Gets the client's original file name. Never used as a path; sanitized if a key strategy keeps it.</summary>
    public required string FileName { get; init; }

    /// <summary>Gets the declared media type, e.g. <c>image/png</c>. Bound into the grant.</summary>
    public required string ContentType { get; init; }

    /// <summary>Gets the declared size in bytes. Bound into the grant.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the optional base64 MD5 of the content (the <c>Content-MD5</c> header value). Bound into the grant when given.</summary>
    public string? ContentMd5 { get; init; }

    /// <summary>
    /// Gets the id of the user the upload belongs to. Comes from the host's authentication, never from the client.
    /// Required by owner-scoped profiles.
    /// </summary>
    public string? OwnerId { get; init; }

    /// <summary>
    /// Gets client-supplied metadata. Only keys listed in <see cref="UploadProfileOptions.AllowedMetadataKeys"/> are accepted;
    /// each is stored as <c>x-amz-meta-{key}</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>
    /// Gets the part size the client has already chosen to cut the file into (multipart only), e.g. the chunk size of
    /// an uploader such as Uppy that does not ask the host. <see langword="null"/> lets the host pick it from
    /// <see cref="UploadProfileOptions.PartSizeBytes"/>. When given it must be 5 MiB – 5 GiB and give at most 10,000
    /// parts (a single part may be smaller); every part is then signed with its exact length, as always.
    /// </summary>
    public long? PartSizeBytes { get; init; }
}
