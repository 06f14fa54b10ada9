namespace DirectUpload;

/// <summary>Asks for a presigned <c>GET</c> URL for an object of a profile.</summary>
public sealed class DownloadRequest
{
    /// <summary>Gets the profile the object belongs to; the key must lie under its prefix.</summary>
    public required string Profile { get; init; }

    /// <summary>Gets the object key.</summary>
    public required string Key { get; init; }

    /// <summary>
    /// Gets the id of the calling user. For an owner-scoped profile with the built-in key layout, the key must lie in
    /// this owner's folder.
    /// </summary>
    public string? OwnerId { get; init; }

    /// <summary>
    /// Gets the content type the response should carry (<c>response-content-type</c>). Only with a known, safe type
    /// (images but SVG, audio, video, PDF, plain text) can the object be shown inline.
    /// </summary>
    public string? ContentType { get; init; }

    /// <summary>Gets a value indicating whether the caller wants the object shown in the browser rather than saved.</summary>
    public bool Inline { get; init; }

    /// <summary>Gets the file name offered when saving; defaults to the key's last segment.</summary>
    public string? FileName { get; init; }

    /// <summary>Gets how long the URL lives; defaults to the profile's <see cref="UploadProfileOptions.Expiry"/>. At most seven days.</summary>
    public TimeSpan? Expiry { get; init; }
}
