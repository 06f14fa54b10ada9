using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<string, BucketAddress> _addresses = new(StringComparer.Ordinal);

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
        var credentials = await S3.GetUploadCredentialsAsync().ConfigureAwait(false);
        var grant = Sign(upload, credentials);
        var token = _tokens.CreateToken(new UploadTicket
        {
            Profile = upload.ProfileName,
            Key = upload.Key,
            OwnerId = upload.OwnerId,
            Size = upload.Size,
            ContentType = upload.ContentType,
            ContentMd5 = upload.ContentMd5,
            MetadataDigest = StoredObjectCheck.MetadataDigest(upload.Metadata),
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

    /// <summary>The address of a bucket, resolved through <see cref="S3ClientContext.GetEndpoint"/> once per bucket.</summary>
    /// <remarks>The client (and so its endpoint configuration) is resolved once for the app's lifetime, so the address cannot go stale.</remarks>
    protected BucketAddress AddressOf(string bucket) =>
        _addresses.GetOrAdd(bucket, static (name, s3) => s3.GetEndpoint(name).AddressOf(name), S3);

    /// <summary>How many headers <see cref="AddStoredHeaders"/> adds.</summary>
    protected static int StoredHeaderCount(ValidatedUpload upload)
    {
        var profile = upload.Profile;
        var count = upload.Metadata.Count;
        count += profile.CacheControl is null ? 0 : 1;
        count += profile.ContentDisposition is null ? 0 : 1;
        count += profile.ServerSideEncryption is null ? 0 : profile.KmsKeyId is null ? 1 : 2;
        count += profile.StorageClass is null ? 0 : 1;
        return count;
    }

    /// <summary>Adds the headers S3 stores with the object (beyond type, length and MD5), as sent on a PUT or as POST fields.</summary>
    protected static void AddStoredHeaders(ValidatedUpload upload, Dictionary<string, string> target)
    {
        var profile = upload.Profile;
        if (profile.CacheControl is { } cacheControl)
        {
            target["Cache-Control"] = cacheControl;
        }

        if (profile.ContentDisposition is { } disposition)
        {
            target["Content-Disposition"] = disposition;
        }

        for (var i = 0; i < upload.Metadata.Count; i++)
        {
            var (key, value) = upload.Metadata[i];
            target["x-amz-meta-" + key] = value;
        }

        if (profile.ServerSideEncryption is { } sse)
        {
            target["x-amz-server-side-encryption"] = sse;
            if (profile.KmsKeyId is { } kmsKeyId)
            {
                target["x-amz-server-side-encryption-aws-kms-key-id"] = kmsKeyId;
            }
        }

        if (profile.StorageClass is { } storageClass)
        {
            target["x-amz-storage-class"] = storageClass;
        }
    }

    internal readonly record struct SignedRequest(
        string Method,
        string Url,
        IReadOnlyDictionary<string, string> Fields,
        IReadOnlyDictionary<string, string> Headers);
}
