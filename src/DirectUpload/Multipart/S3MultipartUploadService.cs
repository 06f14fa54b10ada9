using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.S3.Internal;

/// <summary>The S3 implementation of <see cref="IMultipartUploadService"/>.</summary>
internal sealed class S3MultipartUploadService : IMultipartUploadService
{
    /// <summary>The highest <see cref="UploadProfileOptions.MaxPartUrlsPerRequest"/> allowed.</summary>
    public const int MaxPartsPerCall = 1000;

    private readonly ProfileRegistry _profiles;
    private readonly UploadRequestValidator _validator;
    private readonly S3ClientContext _s3;
    private readonly PartUrlSigner _partSigner;
    private readonly IUploadTokenService _tokens;
    private readonly DirectUploadTelemetry _telemetry;
    private readonly Rejections _rejections;
    private readonly UploadCompletion _completion;
    private readonly ILogger _logger;

    public S3MultipartUploadService(
        ProfileRegistry profiles,
        UploadRequestValidator validator,
        S3ClientContext s3,
        PartUrlSigner partSigner,
        IUploadTokenService tokens,
        DirectUploadTelemetry telemetry,
        Rejections rejections,
        UploadCompletion completion,
        ILoggerFactory loggerFactory)
    {
        _profiles = profiles;
        _validator = validator;
        _s3 = s3;
        _partSigner = partSigner;
        _tokens = tokens;
        _telemetry = telemetry;
        _rejections = rejections;
        _completion = completion;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    public async Task<MultipartUploadStart> StartAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = DirectUploadTelemetry.ActivitySource.StartActivity("DirectUpload.StartMultipart");
        ResolvedProfile? profile = null;
        ValidatedUpload upload;
        try
        {
            profile = _profiles.Get(request.Profile);
            if (profile.Options.Method is not (UploadMethod.Multipart or UploadMethod.Auto))
            {
                throw new UploadRejectedException(UploadRejectionReason.MethodNotAllowed, $"Profile '{request.Profile}' does not use multipart uploads.");
            }

            upload = _validator.Validate(profile, request, singleRequest: false);
            MultipartChecks.ChosenPartSize(request.PartSizeBytes, upload.Size);
        }
        catch (UploadRejectedException e)
        {
            _rejections.Multipart(profile?.Name ?? DirectUploadTelemetry.UnknownProfileTag, e);
            throw;
        }

        var layout = request.PartSizeBytes is { } chosen
            ? MultipartLayout.Of(upload.Size, chosen)
            : MultipartLayout.For(upload.Size, profile.Options.PartSizeBytes);
        var create = new InitiateMultipartUploadRequest
        {
            BucketName = upload.Bucket,
            Key = upload.Key,
            ContentType = upload.ContentType,
        };
        profile.StoredHeaders.ApplyTo(create, upload.Metadata);

        var response = await _s3.RequiredClient.InitiateMultipartUploadAsync(create, cancellationToken).ConfigureAwait(false);
        var expiresAt = upload.Now + profile.Options.MultipartLifetime;
        var token = _tokens.CreateToken(upload.ToTicket(expiresAt, response.UploadId, layout.PartSize));

        Log.MultipartStarted(_logger, upload.ProfileName, upload.Size, layout.PartCount, layout.PartSize);
        Log.GrantKey(_logger, upload.ProfileName, upload.Key, request.FileName);
        _telemetry.RecordIssued(upload.ProfileName, "MULTIPART");
        return new MultipartUploadStart
        {
            UploadId = response.UploadId,
            Key = upload.Key,
            PartSize = layout.PartSize,
            PartCount = layout.PartCount,
            ExpiresAt = expiresAt,
            Token = token,
        };
    }

    public async ValueTask<IReadOnlyList<MultipartPartGrant>> SignPartsAsync(MultipartPartsRequest request, CancellationToken cancellationToken = default)
    {
        var (ticket, resolved, layout) = Check(request);
        var numbers = Checked(resolved, () => MultipartChecks.PartNumbers(request, resolved, layout));

        cancellationToken.ThrowIfCancellationRequested();
        var credentials = await _s3.GetUploadCredentialsAsync().ConfigureAwait(false);
        var grants = _partSigner.Sign(resolved, ticket, layout, numbers, request.ContentMd5, credentials);
        Log.MultipartPartsSigned(_logger, ticket.Profile, grants.Count);
        return grants;
    }

    public async Task<IReadOnlyList<UploadedPart>> ListPartsAsync(UploadTokenRequest request, CancellationToken cancellationToken = default)
    {
        var (ticket, profile, _) = Check(request);
        var parts = await ListAllPartsAsync(profile, ticket, cancellationToken).ConfigureAwait(false);
        return parts.Select(p => new UploadedPart { PartNumber = p.PartNumber ?? 0, Size = p.Size ?? 0, ETag = p.ETag }).ToList();
    }

    public async Task<UploadedObject> CompleteAsync(MultipartCompleteRequest request, CancellationToken cancellationToken = default)
    {
        var checkedToken = CheckToken(request);
        var (ticket, resolved) = checkedToken;
        var profile = resolved.Options;
        var bucket = resolved.Bucket;
        var layout = LayoutOf(ticket);
        using var activity = DirectUploadTelemetry.ActivitySource.StartActivity("DirectUpload.CompleteMultipart");
        var sorted = Checked(resolved, () => MultipartChecks.GivenParts(request, layout));

        // every part must be in the store with exactly its expected size (each URL signed that size, so this holds
        // unless a part is missing); checked before completing so a bad upload can still be resumed
        List<PartDetail> stored;
        try
        {
            stored = await ListAllPartsAsync(resolved, ticket, cancellationToken).ConfigureAwait(false);
        }
        catch (UploadRejectedException e) when (e.Reason == UploadRejectionReason.ObjectNotFound)
        {
            // the upload is gone: a retry after a successful completion finds the object; after an abort, nothing
            return await _completion.FinishAsync(checkedToken, multipart: true, etag: null, cancellationToken).ConfigureAwait(false);
        }

        Checked(resolved, () => MultipartChecks.StoredParts(sorted, stored, layout));

        var client = _s3.RequiredClient;
        if (profile.PreventOverwrite)
        {
            await EnsureKeyIsFreeAsync(resolved, client, ticket.Key, cancellationToken).ConfigureAwait(false);
        }

        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = ticket.Key, UploadId = ticket.UploadId };
        if (profile.PreventOverwrite)
        {
            // enforced by AWS S3 (412); Ceph RGW 16.2 ignores it, which the check above covers up to a short race window
            complete.IfNoneMatch = "*";
        }

        complete.AddPartETags(sorted.Select(p => new Amazon.S3.Model.PartETag(p.PartNumber, Quote(p.ETag))));
        CompleteMultipartUploadResponse completed;
        try
        {
            completed = await client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // already completed (idempotent retry) or aborted: decide by the object itself
            return await _completion.FinishAsync(checkedToken, multipart: true, etag: null, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict && profile.PreventOverwrite)
        {
            throw Reject(resolved, UploadRejectionReason.ObjectExists, "An object already exists under this upload's key; it was not replaced.");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw Reject(resolved, UploadRejectionReason.InvalidParts, $"The store refused to complete the upload ({e.ErrorCode}).");
        }

        return await _completion.FinishAsync(checkedToken, multipart: true, completed.ETag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses to complete over an object that is already stored under the key (written by anything but this upload).</summary>
    private async Task EnsureKeyIsFreeAsync(ResolvedProfile profile, IAmazonS3 client, string key, CancellationToken cancellationToken)
    {
        if (await S3StoredObjectFacts.HeadAsync(client, profile.Bucket, key, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw Reject(profile, UploadRejectionReason.ObjectExists, "An object already exists under this upload's key; it was not replaced.");
        }
    }

    public async Task AbortAsync(UploadTokenRequest request, CancellationToken cancellationToken = default)
    {
        var (ticket, profile, _) = Check(request);
        try
        {
            await _s3.RequiredClient.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = profile.Bucket, Key = ticket.Key, UploadId = ticket.UploadId },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // already aborted or completed: nothing to free
        }

        Log.MultipartAborted(_logger, ticket.Profile);
    }

    private async Task<List<PartDetail>> ListAllPartsAsync(ResolvedProfile profile, UploadTicket ticket, CancellationToken cancellationToken)
    {
        var parts = new List<PartDetail>();
        int? marker = null;
        try
        {
            while (true)
            {
                var page = await _s3.RequiredClient.ListPartsAsync(
                    new ListPartsRequest { BucketName = profile.Bucket, Key = ticket.Key, UploadId = ticket.UploadId, PartNumberMarker = marker?.ToString(CultureInfo.InvariantCulture) },
                    cancellationToken).ConfigureAwait(false);
                if (page.Parts is { } pageParts)
                {
                    parts.AddRange(pageParts);
                }

                if (page.IsTruncated != true || page.NextPartNumberMarker is null)
                {
                    break;
                }

                marker = page.NextPartNumberMarker;
            }
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw Reject(profile, UploadRejectionReason.ObjectNotFound, "The multipart upload does not exist (completed or aborted).");
        }

        return parts;
    }

    private (UploadTicket Ticket, ResolvedProfile Profile, MultipartLayout Layout) Check(UploadTokenRequest request)
    {
        var (ticket, profile) = CheckToken(request);
        return (ticket, profile, LayoutOf(ticket));
    }

    private static MultipartLayout LayoutOf(UploadTicket ticket) => MultipartLayout.Of(ticket.Size, ticket.PartSize);

    private CheckedToken CheckToken(UploadTokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return TokenGuard.Check(_tokens, _profiles, request, multipart: true, _logger);
        }
        catch (UploadRejectedException e)
        {
            _rejections.Multipart(DirectUploadTelemetry.UnknownProfileTag, e);
            throw;
        }
    }

    /// <summary>Runs a check of the request, logging and counting its refusal.</summary>
    private T Checked<T>(ResolvedProfile profile, Func<T> check)
    {
        try
        {
            return check();
        }
        catch (UploadRejectedException e)
        {
            _rejections.Multipart(profile.Name, e);
            throw;
        }
    }

    private void Checked(ResolvedProfile profile, Action check) => Checked(profile, () =>
    {
        check();
        return true;
    });

    private UploadRejectedException Reject(ResolvedProfile profile, UploadRejectionReason reason, string message) =>
        _rejections.Multipart(profile.Name, new UploadRejectedException(reason, message));

    private static string Quote(string etag) => string.Concat("\"", ContentMd5.UnquoteETag(etag), "\"");
}
