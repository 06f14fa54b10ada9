namespace DirectUpload;

/// <summary>
/// A short-lived, self-describing permission to upload one object. A client that follows it blindly succeeds;
/// one that changes anything the grant binds (key, size, type, checksum, metadata) is refused by the store.
/// </summary>
/// <remarks>A grant is a credential: do not log <see cref="Url"/> or <see cref="Fields"/>.</remarks>
public sealed class UploadGrant
{
    /// <summary>Gets the HTTP method: <c>PUT</c> or <c>POST</c>.</summary>
    public required string Method { get; init; }

    /// <summary>Gets the URL to send the upload to, already percent-encoded exactly as signed. Use it verbatim.</summary>
    public required string Url { get; init; }

    /// <summary>
    /// Gets the form fields a <c>POST</c> upload must send, in order, before the file (the file goes last, in a field
    /// named <c>file</c>). Empty for <c>PUT</c>.
    /// </summary>
    public required IReadOnlyDictionary<string, string> Fields { get; init; }

    /// <summary>
    /// Gets exactly the headers a <c>PUT</c> upload must send (besides <c>Host</c> and <c>Content-Length</c>, which
    /// HTTP clients set themselves; <c>Content-Length</c> is listed for clients that set it by hand). Empty for <c>POST</c>.
    /// </summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Gets the object key the upload will be stored under.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the instant the grant stops working.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the tamper-proof token the client presents to confirm the upload (see <see cref="IUploadTokenService"/>).</summary>
    public required string Token { get; init; }
}
