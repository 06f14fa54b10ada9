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
        CheckedToken checkedToken;
        try
        {
            checkedToken = TokenGuard.Check(_tokens, _validator, request, multipart: false, _logger);
        }
        catch (UploadRejectedException e)
        {
            Rejected(DirectUploadTelemetry.UnknownProfileTag, e);
            throw;
        }

        var (ticket, _, profile, bucket) = checkedToken;
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

        if (StoredObjectCheck.Verify(ticket, profile, S3StoredObjectFacts.FromHead(head)) is { } mismatch)
        {
            await S3StoredObjectFacts.DeleteRefusedAsync(client, checkedToken, _logger, mismatch, cancellationToken).ConfigureAwait(false);
            throw Rejected(ticket.Profile, mismatch.ToException());
        }

        var size = head.ContentLength;
        var contentType = ticket.ContentType; // the stored type parsed to exactly this normalized form
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

    private UploadRejectedException Rejected(string profile, UploadRejectedException e)
    {
        Log.ConfirmationRejected(_logger, profile, e.Code);
        _telemetry.RecordRejected(profile, "CONFIRM", e.Reason);
        return e;
    }
}
