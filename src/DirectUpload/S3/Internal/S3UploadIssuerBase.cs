using System.Diagnostics;
using DirectUpload.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.S3.Internal;

/// <summary>The shared flow of the single-request issuers: validate → key → sign → token, with logs, metrics and an activity.</summary>
internal abstract class S3UploadIssuerBase : IUploadPolicyIssuer
{
    private readonly UploadRequestValidator _validator;
    private readonly IUploadTokenService _tokens;
    private readonly DirectUploadTelemetry _telemetry;
    private readonly ILogger _logger;

    protected S3UploadIssuerBase(
        UploadRequestValidator validator,
        S3ClientContext s3,
        SigV4Signer signer,
        IUploadTokenService tokens,
        DirectUploadTelemetry telemetry,
        ILogger logger)
    {
        _validator = validator;
        S3 = s3;
        Signer = signer;
        _tokens = tokens;
        _telemetry = telemetry;
        _logger = logger;
    }

    public abstract UploadMethod Method { get; }

    protected S3ClientContext S3 { get; }

    protected SigV4Signer Signer { get; }

    private string MethodName => Method == UploadMethod.Put ? "PUT" : "POST";

    public async ValueTask<UploadGrant> IssueAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = DirectUploadTelemetry.ActivitySource.StartActivity("DirectUpload.IssueGrant");
        activity?.SetTag(DirectUploadTelemetry.TagMethod, MethodName);

        ValidatedUpload upload;
        try
        {
            upload = _validator.Validate(request, singleRequest: true);
        }
        catch (UploadRejectedException e)
        {
            var profile = e.Reason == UploadRejectionReason.UnknownProfile ? DirectUploadTelemetry.UnknownProfileTag : request.Profile;
            Log.GrantRejected(_logger, profile, e.Code);
            _telemetry.RecordRejected(profile, MethodName, e.Reason);
            activity?.SetStatus(ActivityStatusCode.Error, e.Code);
            activity?.SetTag(DirectUploadTelemetry.TagErrorType, e.Code);
            throw;
        }

        activity?.SetTag(DirectUploadTelemetry.TagProfile, upload.ProfileName);
        cancellationToken.ThrowIfCancellationRequested();
        var credentials = await S3.GetCredentialsAsync().ConfigureAwait(false);
        var grant = Sign(upload, credentials);
        var token = _tokens.CreateToken(new UploadTicket
        {
            Profile = upload.ProfileName,
            Key = upload.Key,
            OwnerId = upload.OwnerId,
            Size = upload.Size,
            ContentType = upload.ContentType,
            ExpiresAt = upload.ExpiresAt + upload.Profile.ConfirmationGracePeriod,
        });

        Log.GrantIssued(_logger, upload.ProfileName, MethodName, upload.Size, upload.ExpiresAt);
        Log.GrantKey(_logger, upload.ProfileName, upload.Key, request.FileName);
        _telemetry.RecordIssued(upload.ProfileName, MethodName);
        return new UploadGrant
        {
            Method = grant.Method,
            Url = grant.Url,
            Fields = grant.Fields,
            Headers = grant.Headers,
            Key = upload.Key,
            ExpiresAt = upload.ExpiresAt,
            Token = token,
        };
    }

    /// <summary>Signs a validated upload.</summary>
    internal abstract SignedRequest Sign(ValidatedUpload upload, SigningCredentials credentials);

    /// <summary>The headers S3 stores with the object (beyond type, length and MD5), as sent on a PUT or as POST fields.</summary>
    protected static List<KeyValuePair<string, string>> StoredHeaders(ValidatedUpload upload)
    {
        var profile = upload.Profile;
        var headers = new List<KeyValuePair<string, string>>(8);
        if (profile.CacheControl is { } cacheControl)
        {
            headers.Add(new("Cache-Control", cacheControl));
        }

        if (profile.ContentDisposition is { } disposition)
        {
            headers.Add(new("Content-Disposition", disposition));
        }

        foreach (var (key, value) in upload.Metadata)
        {
            headers.Add(new("x-amz-meta-" + key, value));
        }

        if (profile.ServerSideEncryption is { } sse)
        {
            headers.Add(new("x-amz-server-side-encryption", sse));
            if (profile.KmsKeyId is { } kmsKeyId)
            {
                headers.Add(new("x-amz-server-side-encryption-aws-kms-key-id", kmsKeyId));
            }
        }

        if (profile.StorageClass is { } storageClass)
        {
            headers.Add(new("x-amz-storage-class", storageClass));
        }

        return headers;
    }

    internal sealed record SignedRequest(
        string Method,
        string Url,
        IReadOnlyDictionary<string, string> Fields,
        IReadOnlyDictionary<string, string> Headers);
}
