using System.Globalization;
using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.S3.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DirectUpload.Internal;

/// <summary>
/// The default <see cref="IS3EventDispatcher"/>: for each <c>ObjectCreated</c> record, HEAD the object, verify the grant's
/// sealed facts (<see cref="GrantSeal"/>), run the confirmation checks, complete once (<see cref="UploadCompletion"/>), then
/// run the processors with retries, counting deliveries in the ledger and dead-lettering after the last one.
/// </summary>
internal sealed class S3EventDispatcher : IS3EventDispatcher
{
    private readonly ProfileRegistry _profiles;
    private readonly S3ClientContext _s3;
    private readonly UploadCompletion _completion;
    private readonly IEnumerable<IUploadProcessor> _processors;
    private readonly IOptionsMonitor<DirectUploadOptions> _options;
    private readonly TimeProvider _time;
    private readonly DirectUploadTelemetry _telemetry;
    private readonly Rejections _rejections;
    private readonly ILogger _logger;

    public S3EventDispatcher(
        ProfileRegistry profiles,
        S3ClientContext s3,
        UploadCompletion completion,
        IEnumerable<IUploadProcessor> processors,
        IOptionsMonitor<DirectUploadOptions> options,
        TimeProvider time,
        DirectUploadTelemetry telemetry,
        Rejections rejections,
        ILoggerFactory loggerFactory)
    {
        _profiles = profiles;
        _s3 = s3;
        _completion = completion;
        _processors = processors;
        _options = options;
        _time = time;
        _telemetry = telemetry;
        _rejections = rejections;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    public async Task<int> DispatchAsync(string json, CancellationToken cancellationToken = default)
    {
        var events = S3EventNotification.Parse(json);
        using var activity = DirectUploadTelemetry.ActivitySource.StartActivity("DirectUpload.DispatchEvents");
        var handled = 0;
        foreach (var objectEvent in events)
        {
            if (await HandleAsync(objectEvent, cancellationToken).ConfigureAwait(false))
            {
                handled++;
            }
        }

        Log.EventDispatched(_logger, events.Count);
        return handled;
    }

    private async Task<bool> HandleAsync(S3ObjectEvent objectEvent, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (!objectEvent.IsObjectCreated)
        {
            Log.EventRecordSkipped(_logger, objectEvent.EventName, "not an ObjectCreated event");
            return false;
        }

        if (objectEvent.Key.StartsWith(options.Events.InternalPrefix, StringComparison.Ordinal))
        {
            Log.EventRecordSkipped(_logger, objectEvent.EventName, "a DirectUpload marker");
            return false;
        }

        if (!_profiles.IsProfileBucket(objectEvent.Bucket))
        {
            Log.EventRecordSkipped(_logger, objectEvent.EventName, "no profile uses the bucket");
            return false;
        }

        var client = _s3.RequiredClient;
        var head = await S3StoredObjectFacts.HeadAsync(client, objectEvent.Bucket, objectEvent.Key, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            Log.EventRecordSkipped(_logger, objectEvent.EventName, "the object no longer exists");
            return false;
        }

        // the grant's facts travel with the object, sealed with the token key: nothing else about the object is trusted
        var facts = GrantSeal.Verify(TokenKeys.All(options), objectEvent.Bucket, objectEvent.Key, head.Metadata[GrantSeal.MetadataKey]);
        if (facts is null)
        {
            Log.EventNotGranted(_logger, objectEvent.Bucket);
            return false;
        }

        if (!_profiles.TryGet(facts.P, out var resolved))
        {
            Log.EventRecordSkipped(_logger, objectEvent.EventName, "its profile is no longer configured");
            return false;
        }

        var profileName = resolved.Name;
        var bucket = resolved.Bucket;
        if (!string.Equals(bucket, objectEvent.Bucket, StringComparison.Ordinal) || !objectEvent.Key.StartsWith(resolved.Options.KeyPrefix, StringComparison.Ordinal))
        {
            Log.EventRecordSkipped(_logger, objectEvent.EventName, "the object lies outside its profile's bucket or key prefix");
            return false;
        }

        // the same verifier as the client's confirm and multipart completion, against the sealed facts
        var ticket = facts.ToTicket(objectEvent.Key);
        if (StoredObjectCheck.Verify(ticket, resolved.Options, S3StoredObjectFacts.FromHead(head)) is { } mismatch)
        {
            _rejections.Event(profileName, mismatch);
            await S3StoredObjectFacts.DeleteRefusedAsync(client, new CheckedToken(ticket, resolved), _logger, mismatch, cancellationToken).ConfigureAwait(false);
            return true;
        }

        var upload = new UploadedObject
        {
            Profile = profileName,
            Key = objectEvent.Key,
            Size = head.ContentLength,
            ContentType = facts.T, // the stored type parsed to exactly this normalized form
            ETag = head.ETag ?? string.Empty,
            OwnerId = facts.O,
        };
        var ledger = _completion.LedgerFor(bucket, objectEvent.Key, head);
        var hooksRan = await _completion.CompleteOnceAsync(ledger, upload, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        if (hooksRan)
        {
            _telemetry.RecordCompleted(profileName, "EVENT");
        }

        var processed = await ProcessAsync(ledger, upload, objectEvent, cancellationToken).ConfigureAwait(false);
        Log.EventCompleted(_logger, profileName, hooksRan, processed);
        return true;
    }

    /// <summary>Runs every processor (at least once) unless a previous delivery finished them; false when dead-lettered.</summary>
    private async Task<bool> ProcessAsync(CompletionLedger ledger, UploadedObject upload, S3ObjectEvent objectEvent, CancellationToken cancellationToken)
    {
        if (!_processors.Any())
        {
            return true;
        }

        var events = _options.CurrentValue.Events;
        var markers = await ledger.ListAsync(cancellationToken).ConfigureAwait(false);
        if (markers.ContainsKey(CompletionLedger.Processed))
        {
            return true;
        }

        // count this delivery (a conditional write, so concurrent deliveries get distinct numbers)
        var delivery = CompletionLedger.Highest(markers, CompletionLedger.DeliveryPrefix, out _) + 1;
        while (!await ledger.TryCreateAsync(CompletionLedger.Numbered(CompletionLedger.DeliveryPrefix, delivery), "{}", cancellationToken).ConfigureAwait(false))
        {
            delivery++;
        }

        if (delivery > events.MaxProcessingDeliveries)
        {
            await DeadLetterAsync(ledger, upload, delivery - 1, "the previous deliveries failed", cancellationToken).ConfigureAwait(false);
            return false;
        }

        foreach (var processor in _processors)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var context = new UploadProcessingContext { Upload = upload, Bucket = ledger.Bucket, Event = objectEvent, Delivery = delivery, Attempt = attempt };
                    await processor.ProcessAsync(context, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.ProcessingFailed(_logger, processor.GetType().Name, upload.Profile, delivery, attempt, e);
                    if (attempt <= events.ProcessingRetryDelays.Count)
                    {
                        await Task.Delay(events.ProcessingRetryDelays[attempt - 1], _time, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (delivery >= events.MaxProcessingDeliveries)
                    {
                        await DeadLetterAsync(ledger, upload, delivery, e.GetType().FullName ?? "error", cancellationToken).ConfigureAwait(false);
                        return false;
                    }

                    throw;
                }
            }
        }

        await ledger.TryCreateAsync(CompletionLedger.Processed, "{}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task DeadLetterAsync(CompletionLedger ledger, UploadedObject upload, int deliveries, string error, CancellationToken cancellationToken)
    {
        var record = new DeadLetter
        {
            Bucket = ledger.Bucket,
            Key = upload.Key,
            Profile = upload.Profile,
            ETag = upload.ETag,
            Deliveries = deliveries,
            Error = error,
            At = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        await ledger.WriteDeadLetterAsync(JsonSerializer.Serialize(record, DeadLetterJsonContext.Default.DeadLetter), cancellationToken).ConfigureAwait(false);
        await ledger.TryCreateAsync(CompletionLedger.Processed, "{\"deadLettered\":true}", cancellationToken).ConfigureAwait(false);
        Log.DeadLettered(_logger, upload.Profile, deliveries, ledger.DeadLetterKey);
    }
}
