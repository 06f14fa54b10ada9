using DirectUpload.S3.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.Internal;

/// <summary>The default <see cref="IUploadPolicyIssuer"/>: sends each request to the issuer of its profile's method.</summary>
internal sealed class DirectUploadIssuer : IUploadPolicyIssuer
{
    private readonly UploadRequestValidator _validator;
    private readonly S3PresignedPutIssuer _put;
    private readonly S3PresignedPostIssuer _post;
    private readonly DirectUploadTelemetry _telemetry;
    private readonly ILogger _logger;

    public DirectUploadIssuer(
        UploadRequestValidator validator,
        S3PresignedPutIssuer put,
        S3PresignedPostIssuer post,
        DirectUploadTelemetry telemetry,
        ILoggerFactory loggerFactory)
    {
        _validator = validator;
        _put = put;
        _post = post;
        _telemetry = telemetry;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    public ValueTask<UploadGrant> IssueAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string name;
        UploadProfileOptions profile;
        try
        {
            (name, profile, _) = _validator.GetProfile(request.Profile);
        }
        catch (UploadRejectedException)
        {
            // let the PUT issuer reject it, so that the rejection is logged and counted in one place
            return _put.IssueAsync(request, cancellationToken);
        }

        switch (UploadRequestValidator.ResolveMethod(profile, request.Size))
        {
            case UploadMethod.Post:
                return _post.IssueAsync(request, cancellationToken);
            case UploadMethod.Put:
                return _put.IssueAsync(request, cancellationToken);
            default:
                var rejection = new UploadRejectedException(
                    UploadRejectionReason.MethodNotAllowed,
                    $"Profile '{name}' uploads this file with multipart; start a multipart upload instead.");
                Log.GrantRejected(_logger, name, rejection.Code);
                _telemetry.RecordRejected(name, "MULTIPART", rejection.Reason);
                return ValueTask.FromException<UploadGrant>(rejection);
        }
    }
}
