using Microsoft.Extensions.Logging;

namespace DirectUpload.Internal;

/// <summary>
/// Every log message of DirectUpload, with stable event ids. Keys and file names only at Trace; secrets, signatures,
/// URLs and tokens never.
/// </summary>
internal static partial class Log
{
    /// <summary>The logger category of every DirectUpload message.</summary>
    public const string Category = "DirectUpload";

    internal const int IdGrantIssued = 1;
    internal const int IdGrantRejected = 2;
    internal const int IdGrantKey = 3;
    internal const int IdMultipartStarted = 10;
    internal const int IdMultipartPartsSigned = 11;
    internal const int IdMultipartCompleted = 12;
    internal const int IdMultipartAborted = 13;
    internal const int IdMultipartRejected = 14;
    internal const int IdUploadConfirmed = 20;
    internal const int IdConfirmationRejected = 21;
    internal const int IdDownloadIssued = 30;
    internal const int IdEventDispatched = 40;
    internal const int IdEventRecordSkipped = 41;
    internal const int IdEventNotGranted = 42;
    internal const int IdEventRejected = 43;
    internal const int IdCompletionAlreadyDone = 44;
    internal const int IdClaimTakenOver = 45;
    internal const int IdCompletionHookFailed = 46;
    internal const int IdProcessingFailed = 47;
    internal const int IdDeadLettered = 48;
    internal const int IdEventCompleted = 49;
    internal const int IdTokenRefused = 22;
    internal const int IdStoredObjectMismatch = 23;

    [LoggerMessage(EventId = IdGrantIssued, EventName = "GrantIssued", Level = LogLevel.Debug,
        Message = "Issued a {Method} upload grant for profile {Profile}, {Size} bytes, expiring at {ExpiresAt:O}.")]
    public static partial void GrantIssued(ILogger logger, string profile, string method, long size, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = IdGrantKey, EventName = "GrantKey", Level = LogLevel.Trace,
        Message = "Upload grant for profile {Profile} names key {Key} (file name {FileName}).")]
    public static partial void GrantKey(ILogger logger, string profile, string key, string fileName);

    [LoggerMessage(EventId = IdGrantRejected, EventName = "GrantRejected", Level = LogLevel.Information,
        Message = "Refused an upload grant for profile {Profile}: {Reason}.")]
    public static partial void GrantRejected(ILogger logger, string profile, string reason);

    [LoggerMessage(EventId = IdMultipartStarted, EventName = "MultipartStarted", Level = LogLevel.Debug,
        Message = "Started a multipart upload for profile {Profile}: {Size} bytes in {PartCount} parts of {PartSize} bytes.")]
    public static partial void MultipartStarted(ILogger logger, string profile, long size, int partCount, long partSize);

    [LoggerMessage(EventId = IdMultipartPartsSigned, EventName = "MultipartPartsSigned", Level = LogLevel.Trace,
        Message = "Signed {Count} parts of a multipart upload for profile {Profile}.")]
    public static partial void MultipartPartsSigned(ILogger logger, string profile, int count);

    [LoggerMessage(EventId = IdMultipartCompleted, EventName = "MultipartCompleted", Level = LogLevel.Debug,
        Message = "Completed a multipart upload for profile {Profile}: {Size} bytes.")]
    public static partial void MultipartCompleted(ILogger logger, string profile, long size);

    [LoggerMessage(EventId = IdMultipartAborted, EventName = "MultipartAborted", Level = LogLevel.Debug,
        Message = "Aborted a multipart upload for profile {Profile}.")]
    public static partial void MultipartAborted(ILogger logger, string profile);

    [LoggerMessage(EventId = IdMultipartRejected, EventName = "MultipartRejected", Level = LogLevel.Information,
        Message = "Refused a multipart call for profile {Profile}: {Reason}.")]
    public static partial void MultipartRejected(ILogger logger, string profile, string reason);

    [LoggerMessage(EventId = IdUploadConfirmed, EventName = "UploadConfirmed", Level = LogLevel.Debug,
        Message = "Confirmed an upload for profile {Profile}: {Size} bytes.")]
    public static partial void UploadConfirmed(ILogger logger, string profile, long size);

    [LoggerMessage(EventId = IdConfirmationRejected, EventName = "ConfirmationRejected", Level = LogLevel.Information,
        Message = "Refused to confirm an upload for profile {Profile}: {Reason}.")]
    public static partial void ConfirmationRejected(ILogger logger, string profile, string reason);

    [LoggerMessage(EventId = IdDownloadIssued, EventName = "DownloadIssued", Level = LogLevel.Debug,
        Message = "Issued a download URL for profile {Profile}, disposition {Disposition}.")]
    public static partial void DownloadIssued(ILogger logger, string profile, string disposition);

    [LoggerMessage(EventId = IdEventDispatched, EventName = "EventDispatched", Level = LogLevel.Debug,
        Message = "Dispatched {Count} S3 event records.")]
    public static partial void EventDispatched(ILogger logger, int count);

    // a validly signed token naming what its profile could not have issued: a leaked token key or a bug, worth a warning
    [LoggerMessage(EventId = IdTokenRefused, EventName = "TokenRefused", Level = LogLevel.Warning,
        Message = "Refused a validly signed token for profile {Profile}: {Check}.")]
    public static partial void TokenRefused(ILogger logger, string profile, string check);

    // the stored values are the caller's own upload's, never returned to the caller; no key, no token
    [LoggerMessage(EventId = IdStoredObjectMismatch, EventName = "StoredObjectMismatch", Level = LogLevel.Information,
        Message = "The stored object of an upload for profile {Profile} does not match its grant: {Field}, {Detail}; deleted: {Deleted}.")]
    public static partial void StoredObjectMismatch(ILogger logger, string profile, string field, string detail, bool deleted);

    [LoggerMessage(EventId = IdEventRecordSkipped, EventName = "EventRecordSkipped", Level = LogLevel.Debug,
        Message = "Skipped an S3 event record ({EventName}): {Why}.")]
    public static partial void EventRecordSkipped(ILogger logger, string eventName, string why);

    [LoggerMessage(EventId = IdEventNotGranted, EventName = "EventNotGranted", Level = LogLevel.Warning,
        Message = "Skipped an S3 event for an object in bucket {Bucket} that carries no valid DirectUpload grant seal.")]
    public static partial void EventNotGranted(ILogger logger, string bucket);

    [LoggerMessage(EventId = IdEventRejected, EventName = "EventRejected", Level = LogLevel.Warning,
        Message = "An object announced by an S3 event for profile {Profile} does not match its grant: {Reason}.")]
    public static partial void EventRejected(ILogger logger, string profile, string reason);

    [LoggerMessage(EventId = IdCompletionAlreadyDone, EventName = "CompletionAlreadyDone", Level = LogLevel.Debug,
        Message = "The completion hooks already ran for this object version (profile {Profile}).")]
    public static partial void CompletionAlreadyDone(ILogger logger, string profile);

    [LoggerMessage(EventId = IdClaimTakenOver, EventName = "ClaimTakenOver", Level = LogLevel.Warning,
        Message = "Took over an expired completion claim #{Claim} for profile {Profile}; its holder did not finish within the lease.")]
    public static partial void ClaimTakenOver(ILogger logger, string profile, int claim);

    [LoggerMessage(EventId = IdCompletionHookFailed, EventName = "CompletionHookFailed", Level = LogLevel.Error,
        Message = "A completion hook failed for profile {Profile}; the claim was released so a retry runs it again.")]
    public static partial void CompletionHookFailed(ILogger logger, string profile, Exception exception);

    [LoggerMessage(EventId = IdProcessingFailed, EventName = "ProcessingFailed", Level = LogLevel.Warning,
        Message = "Processor {Processor} failed for profile {Profile} (delivery {Delivery}, attempt {Attempt}).")]
    public static partial void ProcessingFailed(ILogger logger, string processor, string profile, int delivery, int attempt, Exception exception);

    [LoggerMessage(EventId = IdDeadLettered, EventName = "DeadLettered", Level = LogLevel.Error,
        Message = "Gave up processing an upload of profile {Profile} after {Deliveries} deliveries; dead letter {DeadLetterKey}.")]
    public static partial void DeadLettered(ILogger logger, string profile, int deliveries, string deadLetterKey);

    [LoggerMessage(EventId = IdEventCompleted, EventName = "EventCompleted", Level = LogLevel.Debug,
        Message = "Handled an S3 event for profile {Profile}: hooks ran {HooksRan}, processed {Processed}.")]
    public static partial void EventCompleted(ILogger logger, string profile, bool hooksRan, bool processed);
}
