namespace DirectUpload;

/// <summary>A presigned <c>GET</c> URL.</summary>
public sealed class DownloadGrant
{
    /// <summary>Gets the URL, percent-encoded exactly as signed.</summary>
    public required string Url { get; init; }

    /// <summary>Gets the instant the URL stops working.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the Content-Disposition the store will send: <c>inline</c> or <c>attachment</c> (with the file name).</summary>
    public required string ContentDisposition { get; init; }
}
