namespace DirectUpload;

/// <summary>
/// Confirms a single-request upload after the client says it is done: verifies the token, checks the object in the
/// store (exists, size equals the declared size and lies within the profile, content type is the granted one), and
/// calls every registered <see cref="IUploadCompletedHandler"/>.
/// </summary>
public interface IUploadConfirmationService
{
    /// <summary>
    /// Confirms an upload. Idempotent: confirming the same upload again returns the same facts, and the completion hooks
    /// run once per object version, whether this call, a retried one or the store's event (<see cref="IS3EventDispatcher"/>)
    /// comes first, on any number of app instances (a conditional marker write in the bucket decides).
    /// </summary>
    /// <param name="request">The profile, token and caller.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The stored object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="UploadRejectedException">
    /// The token is refused, the object is missing (<see cref="UploadRejectionReason.ObjectNotFound"/>), or it does not match
    /// its grant (<see cref="UploadRejectionReason.SizeMismatch"/>, <see cref="UploadRejectionReason.ContentTypeMismatch"/>;
    /// the object is then deleted when <see cref="UploadProfileOptions.DeleteInvalidUploads"/> is set).
    /// </exception>
    Task<UploadedObject> ConfirmAsync(UploadTokenRequest request, CancellationToken cancellationToken = default);
}
