namespace DirectUpload;

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
