namespace DirectUpload;

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
