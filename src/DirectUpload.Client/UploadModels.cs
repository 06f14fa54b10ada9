using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using DirectUpload.Client.Internal;

namespace DirectUpload.Client;

/// <summary>
/// What a client asks the host to upload: the body of <c>POST {base}/{profile}</c> (a grant) and of
/// <c>POST {base}/{profile}/multipart</c> (a multipart start).
/// </summary>
public sealed record UploadRequest
{
    /// <summary>Gets the original file name. The host never uses it as a path.</summary>
    public required string FileName { get; init; }

    /// <summary>Gets the media type of the content, e.g. <c>image/png</c>. The grant binds it.</summary>
    public required string ContentType { get; init; }

    /// <summary>Gets the exact size of the content in bytes. The grant binds it.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the optional base64 MD5 of the content (the <c>Content-MD5</c> value). Single-request uploads only.</summary>
    public string? Md5 { get; init; }

    /// <summary>Gets optional metadata to store with the object; the profile decides which keys it accepts.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>
/// A short-lived permission to upload one object, as the host returns it. Follow it blindly:
/// <see cref="DirectUploadClient.SendAsync(UploadGrant, Stream, IProgress{UploadProgress}?, CancellationToken)"/> does.
/// </summary>
/// <remarks>A grant is a credential: do not log <see cref="Url"/> or <see cref="Fields"/>.</remarks>
public sealed record UploadGrant
{
    /// <summary>Gets the HTTP method: <c>PUT</c> or <c>POST</c>.</summary>
    public required string Method { get; init; }

    /// <summary>Gets the URL to send the upload to, percent-encoded exactly as signed. It is sent verbatim.</summary>
    [SuppressMessage("Design", "CA1056:URI-like properties should not be strings", Justification = "The signed URL must stay byte for byte as the host wrote it; System.Uri canonicalizes.")]
    public required string Url { get; init; }

    /// <summary>Gets the form fields of a <c>POST</c> upload, in the order they must be sent (the file goes last, as <c>file</c>).</summary>
    [JsonConverter(typeof(OrderedStringMapConverter))]
    public IReadOnlyDictionary<string, string> Fields { get; init; } = OrderedStringMapConverter.Empty;

    /// <summary>Gets exactly the headers a <c>PUT</c> upload must send (names are case-insensitive).</summary>
    [JsonConverter(typeof(OrderedStringMapConverter))]
    public IReadOnlyDictionary<string, string> Headers { get; init; } = OrderedStringMapConverter.Empty;

    /// <summary>Gets the object key the upload will be stored under.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the instant the grant stops working.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the token that confirms the upload (<c>POST {base}/{profile}/complete</c>).</summary>
    public required string Token { get; init; }
}

/// <summary>
/// A started multipart upload: everything needed to send its parts, resume it after a crash, complete or abort it.
/// Persist it (e.g. with <see cref="ToJson"/>) to resume with
/// <see cref="DirectUploadClient.ResumeMultipartAsync(string, MultipartSession, Stream, UploadOptions?, CancellationToken)"/>.
/// </summary>
/// <remarks>The session holds the upload's token, a credential: store it where the user's other secrets go.</remarks>
public sealed record MultipartSession
{
    /// <summary>Gets the store's id of the multipart upload.</summary>
    public required string UploadId { get; init; }

    /// <summary>Gets the object key the upload completes to.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the size of every part but the last, in bytes.</summary>
    public required long PartSize { get; init; }

    /// <summary>Gets how many parts the upload has.</summary>
    public required int PartCount { get; init; }

    /// <summary>Gets the token every later call presents.</summary>
    public required string Token { get; init; }

    /// <summary>Gets the instant the token expires; the upload cannot be resumed after it.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>
    /// Gets the declared total size in bytes. The host does not return it; the client fills it in from the request,
    /// and 0 means unknown (the content's length is then used on resume).
    /// </summary>
    public long Size { get; init; }

    /// <summary>Serializes the session to JSON (camelCase), e.g. to persist it until the upload completes.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, ClientJsonContext.Default.MultipartSession);

    /// <summary>Reads a session written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The session.</returns>
    /// <exception cref="ArgumentException"><paramref name="json"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="System.Text.Json.JsonException"><paramref name="json"/> is not a session.</exception>
    public static MultipartSession FromJson(string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        return System.Text.Json.JsonSerializer.Deserialize(json, ClientJsonContext.Default.MultipartSession)
            ?? throw new System.Text.Json.JsonException("The JSON text is null, not a multipart session.");
    }
}

/// <summary>A presigned <c>PUT</c> URL for one part of a multipart upload.</summary>
/// <remarks>A credential: do not log <see cref="Url"/>.</remarks>
public sealed record MultipartPartGrant
{
    /// <summary>Gets the part number (1-based).</summary>
    public required int PartNumber { get; init; }

    /// <summary>Gets the presigned URL, percent-encoded exactly as signed. It is sent verbatim.</summary>
    [SuppressMessage("Design", "CA1056:URI-like properties should not be strings", Justification = "The signed URL must stay byte for byte as the host wrote it; System.Uri canonicalizes.")]
    public required string Url { get; init; }

    /// <summary>Gets exactly the headers to send (names are case-insensitive).</summary>
    [JsonConverter(typeof(OrderedStringMapConverter))]
    public IReadOnlyDictionary<string, string> Headers { get; init; } = OrderedStringMapConverter.Empty;

    /// <summary>Gets the exact size of the part in bytes, or 0 when the host did not say.</summary>
    public long Size { get; init; }

    /// <summary>Gets the instant the URL stops working, when the host said.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>A part the store has received (from <c>GET {base}/{profile}/multipart/parts</c>).</summary>
public sealed record UploadedPart
{
    /// <summary>Gets the part number.</summary>
    public required int PartNumber { get; init; }

    /// <summary>Gets the part's size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the part's ETag as the store returned it.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }
}

/// <summary>A part number and the ETag the store returned for it, to complete a multipart upload.</summary>
public sealed record PartETag
{
    /// <summary>Gets the part number.</summary>
    public required int PartNumber { get; init; }

    /// <summary>Gets the ETag, as the store returned it.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }
}

/// <summary>The stored object, as the host confirmed it.</summary>
public sealed record UploadResult
{
    /// <summary>Gets the object key.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the stored content type, when the host returned it.</summary>
    public string? ContentType { get; init; }

    /// <summary>Gets the object's ETag, when the host returned it.</summary>
    [JsonPropertyName("etag")]
    public string? ETag { get; init; }
}

/// <summary>How far an upload has got.</summary>
/// <param name="BytesSent">The bytes the store has been sent so far (never decreases, even when a part is retried).</param>
/// <param name="TotalBytes">The size of the whole upload in bytes.</param>
public readonly record struct UploadProgress(long BytesSent, long TotalBytes)
{
    /// <summary>Gets the fraction sent, from 0 to 1 (1 for an empty upload).</summary>
    public double Fraction => TotalBytes == 0 ? 1 : (double)BytesSent / TotalBytes;
}
