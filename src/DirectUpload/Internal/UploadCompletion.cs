using System.Globalization;
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
    private readonly ILogger _logger;

    public UploadCompletion(
        S3ClientContext s3,
        IEnumerable<IUploadCompletedHandler> handlers,
        IOptionsMonitor<DirectUploadOptions> options,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        _s3 = s3;
        _handlers = handlers;
        _options = options;
        _time = time;
        _logger = loggerFactory.CreateLogger(Log.Category);
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
