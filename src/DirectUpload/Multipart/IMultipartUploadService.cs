namespace DirectUpload;

/// <summary>
/// Multipart uploads for huge files (up to 10,000 parts of up to 5 GiB): start, sign parts just in time, list parts
/// to resume, complete, abort. Every call after start is bound by its token to one upload id, key, owner, profile and size.
/// </summary>
public interface IMultipartUploadService
{
    /// <summary>Checks the request against its profile, picks the part size, and starts the upload in the store.</summary>
    /// <param name="request">The request; <see cref="UploadRequest.Size"/> is the declared total size.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The upload id, key, part layout and token.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="UploadRejectedException">The request breaks a constraint of its profile, or the profile does not use multipart.</exception>
    Task<MultipartUploadStart> StartAsync(UploadRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs <c>PUT</c> URLs for some parts; each signs the part's exact Content-Length (and Content-MD5 when given, which
    /// a profile with <see cref="UploadProfileOptions.RequireContentMd5"/> requires for every part).
    /// </summary>
    /// <param name="request">The token, caller and part numbers.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>One grant per requested part, in the order asked.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="UploadRejectedException">
    /// The token is invalid, expired, another owner's or another profile's, a part number is out of range, or a part lacks
    /// the Content-MD5 its profile requires.
    /// </exception>
    ValueTask<IReadOnlyList<MultipartPartGrant>> SignPartsAsync(MultipartPartsRequest request, CancellationToken cancellationToken = default);

    /// <summary>Lists the parts the store has received, to resume an interrupted upload.</summary>
    /// <param name="request">The token and caller.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The received parts, by part number.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="UploadRejectedException">The token is refused, or the upload no longer exists.</exception>
    Task<IReadOnlyList<UploadedPart>> ListPartsAsync(UploadTokenRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes the upload. Checks that every part is present with the expected size, completes it, and verifies the
    /// final object's size equals the declared size (else the object is deleted and the call refused).
    /// </summary>
    /// <param name="request">The token, caller and parts.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The stored object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="UploadRejectedException">The token or the parts are refused, or the final size differs.</exception>
    Task<UploadedObject> CompleteAsync(MultipartCompleteRequest request, CancellationToken cancellationToken = default);

    /// <summary>Aborts the upload and frees the stored parts. Aborting an upload that no longer exists succeeds.</summary>
    /// <param name="request">The token and caller.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>A task that completes when the upload is aborted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="UploadRejectedException">The token is refused.</exception>
    Task AbortAsync(UploadTokenRequest request, CancellationToken cancellationToken = default);
}
