using DirectUpload.S3.Internal;

namespace DirectUpload.Internal;

/// <summary>The default <see cref="IUploadPolicyIssuer"/>: sends each request to the issuer of its profile's method.</summary>
internal sealed class DirectUploadIssuer : IUploadPolicyIssuer
{
    private readonly UploadRequestValidator _validator;
    private readonly S3PresignedPutIssuer _put;
    private readonly S3PresignedPostIssuer _post;

    public DirectUploadIssuer(UploadRequestValidator validator, S3PresignedPutIssuer put, S3PresignedPostIssuer post)
    {
        _validator = validator;
        _put = put;
        _post = post;
    }

    public ValueTask<UploadGrant> IssueAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        UploadProfileOptions profile;
        try
        {
            profile = _validator.GetProfile(request.Profile).Profile;
        }
        catch (UploadRejectedException)
        {
            // let the PUT issuer reject it, so that the rejection is logged and counted in one place
            return _put.IssueAsync(request, cancellationToken);
        }

        return UploadRequestValidator.ResolveMethod(profile, request.Size) switch
        {
            UploadMethod.Post => _post.IssueAsync(request, cancellationToken),
            UploadMethod.Put => _put.IssueAsync(request, cancellationToken),
            _ => throw new UploadRejectedException(
                UploadRejectionReason.MethodNotAllowed,
                $"Profile '{request.Profile}' uploads this file with multipart; start a multipart upload instead."),
        };
    }
}
