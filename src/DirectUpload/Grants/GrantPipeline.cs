using System.Diagnostics;
using DirectUpload.S3.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.Internal;

/// <summary>
/// The one flow of a single-request grant: find the profile → validate once (and build the key) → sign (the profile's
/// <see cref="IGrantSigner"/>, or a fixed one for the keyed issuers) → token → log and count once.
/// </summary>
internal sealed class GrantPipeline : IUploadPolicyIssuer
{
    private readonly ProfileRegistry _profiles;
    private readonly UploadRequestValidator _validator;
    private readonly S3ClientContext _s3;
    private readonly IUploadTokenService _tokens;
    private readonly Rejections _rejections;
    private readonly DirectUploadTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly IGrantSigner? _fixedSigner;

    public GrantPipeline(
        ProfileRegistry profiles,
        UploadRequestValidator validator,
        S3ClientContext s3,
        IUploadTokenService tokens,
        Rejections rejections,
        DirectUploadTelemetry telemetry,
        ILoggerFactory loggerFactory,
        IGrantSigner? fixedSigner = null)
    {
        _profiles = profiles;
        _validator = validator;
        _s3 = s3;
        _tokens = tokens;
        _rejections = rejections;
        _telemetry = telemetry;
        _logger = loggerFactory.CreateLogger(Log.Category);
        _fixedSigner = fixedSigner;
    }

    public async ValueTask<UploadGrant> IssueAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = DirectUploadTelemetry.ActivitySource.StartActivity("DirectUpload.IssueGrant");

        ResolvedProfile? profile = null;
        IGrantSigner? signer = _fixedSigner;
        ValidatedUpload upload;
        try
        {
            profile = _profiles.Get(request.Profile);
            signer ??= profile.SignerFor(request.Size) ?? throw new UploadRejectedException(
                UploadRejectionReason.MethodNotAllowed,
                $"Profile '{profile.Name}' uploads this file with multipart; start a multipart upload instead.");
            activity?.SetTag(DirectUploadTelemetry.TagMethod, signer.Method);
            // the built-in token service's token is made with the seal, from one MAC (GrantSeal, format g2.)
            upload = _validator.Validate(profile, request, singleRequest: true, withToken: _tokens is UploadTokenService);
        }
        catch (UploadRejectedException e)
        {
            // an unknown profile is counted under one tag (names are caller input); it would have been signed as PUT
            var method = signer?.Method ?? (profile is null ? "PUT" : "MULTIPART");
            _rejections.Grant(profile?.Name ?? DirectUploadTelemetry.UnknownProfileTag, method, e);
            activity?.SetStatus(ActivityStatusCode.Error, e.Code);
            activity?.SetTag(DirectUploadTelemetry.TagErrorType, e.Code);
            throw;
        }

        activity?.SetTag(DirectUploadTelemetry.TagProfile, upload.ProfileName);
        cancellationToken.ThrowIfCancellationRequested();
        var credentials = await _s3.GetUploadCredentialsAsync().ConfigureAwait(false);
        var signed = signer.Sign(upload, credentials);
        var token = upload.Token ?? _tokens.CreateToken(upload.ToTicket(upload.ExpiresAt + profile.Options.ConfirmationGracePeriod));

        Log.GrantIssued(_logger, upload.ProfileName, signer.Method, upload.Size, upload.ExpiresAt);
        Log.GrantKey(_logger, upload.ProfileName, upload.Key, request.FileName);
        _telemetry.RecordIssued(upload.ProfileName, signer.Method);
        return new UploadGrant
        {
            Method = signer.Method,
            Url = signed.Url,
            Fields = signed.Fields,
            Headers = signed.Headers,
            Key = upload.Key,
            ExpiresAt = upload.ExpiresAt,
            Token = token,
        };
    }
}
