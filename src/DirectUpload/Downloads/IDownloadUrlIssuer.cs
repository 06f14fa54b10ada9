namespace DirectUpload;

/// <summary>Issues presigned download URLs. Risky types (HTML, SVG, JavaScript, XML, unknown) are always served as attachments.</summary>
public interface IDownloadUrlIssuer
{
    /// <summary>Issues a download URL. Signing is local: no network call.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">A token to cancel credential resolution.</param>
    /// <returns>The URL.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="UploadRejectedException">The profile is unknown, the key is invalid or outside the profile (or the owner's folder).</exception>
    ValueTask<DownloadGrant> CreateDownloadUrlAsync(DownloadRequest request, CancellationToken cancellationToken = default);
}
