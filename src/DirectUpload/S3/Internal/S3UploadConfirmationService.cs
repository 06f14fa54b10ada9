using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.S3.Internal;

/// <summary>The S3 implementation of <see cref="IUploadConfirmationService"/> (a HEAD request, then the hooks).</summary>
internal sealed class S3UploadConfirmationService : IUploadConfirmationService
{
    private readonly UploadRequestValidator _validator;
    private readonly S3ClientContext _s3;
    private readonly IUploadTokenService _tokens;
    private readonly UploadCompletion _completion;
    private readonly Microsoft.Extensions.Options.IOptionsMonitor<DirectUploadOptions> _options;
    private readonly DirectUploadTelemetry _telemetry;
    private readonly ILogger _logger;

    public S3UploadConfirmationService(
        UploadRequestValidator validator,
        S3ClientContext s3,
        IUploadTokenService tokens,
        UploadCompletion completion,
        Microsoft.Extensions.Options.IOptionsMonitor<DirectUploadOptions> options,
        DirectUploadTelemetry telemetry,
        ILoggerFactory loggerFactory)
    {
        _validator = validator;
        _s3 = s3;
        _tokens = tokens;
        _completion = completion;
        _options = options;
        _telemetry = telemetry;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    public async Task<UploadedObject> ConfirmAsync(UploadTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = DirectUploadTelemetry.ActivitySource.StartActivity("DirectUpload.ConfirmUpload");
        UploadTicket ticket;
        UploadProfileOptions profile;
        string bucket;
        try
        {
            ticket = TokenGuard.Check(_tokens, request, multipart: false);
            (_, profile, bucket) = _validator.GetProfile(ticket.Profile);
        }
        catch (UploadRejectedException e)
        {
            Rejected(DirectUploadTelemetry.UnknownProfileTag, e);
            throw;
        }

        var client = _s3.RequiredClient;
        GetObjectMetadataResponse head;
        try
        {
            head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = ticket.Key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw Rejected(ticket.Profile, new UploadRejectedException(UploadRejectionReason.ObjectNotFound, "No object has been uploaded for this token."));
        }

        var size = head.ContentLength;
        var contentType = head.Headers.ContentType ?? string.Empty;
        var problem = UploadCompletion.Check(profile, ticket.Size, ticket.ContentType, ticket.ContentMd5, head);
        if (problem is not null)
        {
            if (profile.DeleteInvalidUploads)
            {
                await client.DeleteObjectAsync(bucket, ticket.Key, cancellationToken).ConfigureAwait(false);
            }

            throw Rejected(ticket.Profile, problem);
        }

        var uploaded = new UploadedObject
        {
            Profile = ticket.Profile,
            Key = ticket.Key,
            Size = size,
            ContentType = contentType,
            ETag = head.ETag ?? string.Empty,
            OwnerId = ticket.OwnerId,
        };
        // the same once-per-version claim as the event pipeline: confirm and event, in any order, run the hooks once
        var ledger = _completion.LedgerFor(bucket, ticket.Key, head);
        try
        {
            if (await _completion.CompleteOnceAsync(ledger, uploaded, _options.CurrentValue.Events.ConfirmWait, cancellationToken).ConfigureAwait(false))
            {
                _telemetry.RecordCompleted(ticket.Profile, "SINGLE");
            }
        }
        catch (UploadRejectedException e)
        {
            throw Rejected(ticket.Profile, e);
        }

        Log.UploadConfirmed(_logger, ticket.Profile, size);
        return uploaded;
    }

    /// <summary>
    /// For a single-request upload without SSE-KMS, S3's ETag is the hex MD5 of the content. Comparing it with the granted
    /// Content-MD5 closes the gap on stores that accept a POST without checking its Content-MD5 (Ceph RGW). An ETag that is
    /// not a plain MD5 (KMS encryption, multipart-style <c>-N</c> suffix) cannot be compared and is accepted.
    /// </summary>
    internal static bool EtagMatchesMd5(string? etag, string? contentMd5, UploadProfileOptions profile)
    {
        if (contentMd5 is null || etag is null || profile.ServerSideEncryption is "aws:kms" or "aws:kms:dsse")
        {
            return true;
        }

        var hex = ContentMd5.UnquoteETag(etag);
        if (hex.Length != 32 || hex.Contains('-', StringComparison.Ordinal))
        {
            return true;
        }

        Span<byte> md5 = stackalloc byte[16];
        return !ContentMd5.TryDecode(contentMd5, md5)
            || string.Equals(Convert.ToHexStringLower(md5), hex, StringComparison.OrdinalIgnoreCase);
    }

    private UploadRejectedException Rejected(string profile, UploadRejectedException e)
    {
        Log.ConfirmationRejected(_logger, profile, e.Code);
        _telemetry.RecordRejected(profile, "CONFIRM", e.Reason);
        return e;
    }
}
