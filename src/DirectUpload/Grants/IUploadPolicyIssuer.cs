namespace DirectUpload;

/// <summary>
/// Turns an upload request into an <see cref="UploadGrant"/>: checks it against its profile, names the object,
/// binds the constraints into a signature, and adds a confirmation token. Signing is local: no network call.
/// </summary>
/// <remarks>
/// The service registered by <c>AddDirectUploads()</c> picks <see cref="UploadMethod.Put"/> or
/// <see cref="UploadMethod.Post"/> from the profile. The method-specific issuers are also registered as keyed
/// services under <see cref="UploadMethod.Put"/> and <see cref="UploadMethod.Post"/>.
/// </remarks>
public interface IUploadPolicyIssuer
{
    /// <summary>Issues a grant for one upload.</summary>
    /// <param name="request">The request. Every member is checked.</param>
    /// <param name="cancellationToken">A token to cancel credential resolution.</param>
    /// <returns>The grant.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="UploadRejectedException">The request breaks a constraint of its profile; nothing was signed.</exception>
    ValueTask<UploadGrant> IssueAsync(UploadRequest request, CancellationToken cancellationToken = default);
}
