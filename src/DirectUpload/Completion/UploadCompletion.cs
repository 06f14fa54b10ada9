using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.S3.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DirectUpload.Internal;

/// <summary>
/// The one place where a stored object is checked against what was granted and the completion hooks
/// (<see cref="IUploadCompletedHandler"/>) are run, exactly once per object version: used by the client's confirm, by
/// multipart completion and by the event pipeline alike.
/// </summary>
internal sealed class UploadCompletion
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly S3ClientContext _s3;
    private readonly IEnumerable<IUploadCompletedHandler> _handlers;
    private readonly IOptionsMonitor<DirectUploadOptions> _options;
    private readonly TimeProvider _time;
    private readonly Rejections _rejections;
    private readonly DirectUploadTelemetry _telemetry;
    private readonly ILogger _logger;

    public UploadCompletion(
        S3ClientContext s3,
        IEnumerable<IUploadCompletedHandler> handlers,
        IOptionsMonitor<DirectUploadOptions> options,
        TimeProvider time,
        Rejections rejections,
        DirectUploadTelemetry telemetry,
        ILoggerFactory loggerFactory)
    {
        _s3 = s3;
        _handlers = handlers;
        _options = options;
        _time = time;
        _rejections = rejections;
        _telemetry = telemetry;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    /// <summary>
    /// The tail that the client's confirm and multipart completion share: HEAD the object, compare it with the grant
    /// (deleting a mismatch when the profile says so), run the hooks once, then count, log and return the object's facts.
    /// Every refusal is logged and counted as the caller's operation.
    /// </summary>
    /// <param name="token">The checked token of the upload.</param>
    /// <param name="multipart">Whether this completes a multipart upload (else it confirms a single-request one).</param>
    /// <param name="etag">The ETag the store returned when completing, used when the HEAD has none.</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    public async Task<UploadedObject> FinishAsync(CheckedToken token, bool multipart, string? etag, CancellationToken cancellationToken)
    {
        var (ticket, profile) = token;
        var client = _s3.RequiredClient;
        var head = await S3StoredObjectFacts.HeadAsync(client, profile.Bucket, ticket.Key, cancellationToken).ConfigureAwait(false)
            ?? throw Rejected(multipart, profile.Name, new UploadRejectedException(
                UploadRejectionReason.ObjectNotFound,
                multipart ? "The multipart upload no longer exists and no object was stored." : "No object has been uploaded for this token."));

        if (StoredObjectCheck.Verify(ticket, profile.Options, S3StoredObjectFacts.FromHead(head)) is { } mismatch)
        {
            await S3StoredObjectFacts.DeleteRefusedAsync(client, token, _logger, mismatch, cancellationToken).ConfigureAwait(false);
            throw Rejected(multipart, profile.Name, mismatch.ToException());
        }

        var uploaded = new UploadedObject
        {
            Profile = ticket.Profile,
            Key = ticket.Key,
            Size = head.ContentLength,
            ContentType = ticket.ContentType, // the stored type parsed to exactly this normalized form
            ETag = head.ETag ?? etag ?? string.Empty,
            OwnerId = ticket.OwnerId,
        };

        // the same once-per-version claim as the event pipeline: confirm, completion and event, in any order, run the hooks once
        var ledger = LedgerFor(profile.Bucket, ticket.Key, head);
        try
        {
            if (await CompleteOnceAsync(ledger, uploaded, _options.CurrentValue.Events.ConfirmWait, cancellationToken).ConfigureAwait(false))
            {
                _telemetry.RecordCompleted(ticket.Profile, multipart ? "MULTIPART" : "SINGLE");
            }
        }
        catch (UploadRejectedException e)
        {
            throw Rejected(multipart, profile.Name, e);
        }

        if (multipart)
        {
            Log.MultipartCompleted(_logger, ticket.Profile, uploaded.Size);
        }
        else
        {
            Log.UploadConfirmed(_logger, ticket.Profile, uploaded.Size);
        }

        return uploaded;
    }

    public CompletionLedger LedgerFor(string bucket, string key, GetObjectMetadataResponse head) =>
        new(_s3.RequiredClient, bucket, _options.CurrentValue.Events.InternalPrefix, CompletionLedger.VersionHash(bucket, key, head));

    /// <summary>
    /// Runs the completion hooks unless they already ran for this object version. When another caller holds a fresh claim,
    /// waits up to <paramref name="wait"/> for it to finish, then throws <see cref="UploadRejectionReason.CompletionInProgress"/>.
    /// </summary>
    /// <returns><see langword="true"/> when this call ran the hooks, <see langword="false"/> when they had already run.</returns>
    public async Task<bool> CompleteOnceAsync(CompletionLedger ledger, UploadedObject upload, TimeSpan wait, CancellationToken cancellationToken)
    {
        var lease = _options.CurrentValue.Events.ClaimLease;
        var deadline = _time.GetUtcNow() + wait;
        while (true)
        {
            var markers = await ledger.ListAsync(cancellationToken).ConfigureAwait(false);
            if (markers.ContainsKey(CompletionLedger.Done))
            {
                Log.CompletionAlreadyDone(_logger, upload.Profile);
                return false;
            }

            var highest = CompletionLedger.Highest(markers, CompletionLedger.ClaimPrefix, out var claimedAt);
            var now = _time.GetUtcNow();
            if (highest == 0 || claimedAt + lease <= now)
            {
                if (highest > 0)
                {
                    Log.ClaimTakenOver(_logger, upload.Profile, highest);
                }

                var claim = CompletionLedger.Numbered(CompletionLedger.ClaimPrefix, highest + 1);
                var body = string.Create(CultureInfo.InvariantCulture, $"{{\"claimedAt\":\"{now:O}\"}}");
                if (await ledger.TryCreateAsync(claim, body, cancellationToken).ConfigureAwait(false))
                {
                    await RunHooksAsync(ledger, claim, upload, cancellationToken).ConfigureAwait(false);
                    return true;
                }

                continue;
            }

            if (now >= deadline)
            {
                throw new UploadRejectedException(UploadRejectionReason.CompletionInProgress, "This upload is being completed by another caller; try again shortly.");
            }

            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private UploadRejectedException Rejected(bool multipart, string profile, UploadRejectedException e) =>
        multipart ? _rejections.Multipart(profile, e) : _rejections.Confirmation(profile, e);

    private async Task RunHooksAsync(CompletionLedger ledger, string claim, UploadedObject upload, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var handler in _handlers)
            {
                await handler.OnUploadCompletedAsync(upload, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Log.CompletionHookFailed(_logger, upload.Profile, e);

            // give the claim back so that a retry (the client's, or the store's redelivery) runs the hooks again
            try
            {
                await ledger.DeleteAsync(claim, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonS3Exception)
            {
                // the claim then expires after its lease
            }

            throw;
        }

        await ledger.TryCreateAsync(CompletionLedger.Done, "{}", CancellationToken.None).ConfigureAwait(false);
    }
}
