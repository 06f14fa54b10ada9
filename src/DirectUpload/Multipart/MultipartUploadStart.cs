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
