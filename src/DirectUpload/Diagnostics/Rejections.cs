using Microsoft.Extensions.Logging;

namespace DirectUpload.Internal;

/// <summary>The one place a refused call is logged and counted (<see cref="DirectUploadTelemetry.GrantsRejected"/>), by operation.</summary>
internal sealed class Rejections
{
    private readonly DirectUploadTelemetry _telemetry;
    private readonly ILogger _logger;

    public Rejections(DirectUploadTelemetry telemetry, ILoggerFactory loggerFactory)
    {
        _telemetry = telemetry;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    /// <summary>A refused single-request grant; <paramref name="method"/> is <c>PUT</c>, <c>POST</c> or <c>MULTIPART</c>.</summary>
    public UploadRejectedException Grant(string profile, string method, UploadRejectedException e)
    {
        Log.GrantRejected(_logger, profile, e.Code);
        _telemetry.RecordRejected(profile, method, e.Reason);
        return e;
    }

    /// <summary>A refused multipart call (start, sign parts, list, complete, abort).</summary>
    public UploadRejectedException Multipart(string profile, UploadRejectedException e)
    {
        Log.MultipartRejected(_logger, profile, e.Code);
        _telemetry.RecordRejected(profile, "MULTIPART", e.Reason);
        return e;
    }

    /// <summary>A refused confirmation of a single-request upload.</summary>
    public UploadRejectedException Confirmation(string profile, UploadRejectedException e)
    {
        Log.ConfirmationRejected(_logger, profile, e.Code);
        _telemetry.RecordRejected(profile, "CONFIRM", e.Reason);
        return e;
    }

    /// <summary>An object announced by an event that does not match its grant.</summary>
    public void Event(string profile, StoredObjectMismatch mismatch)
    {
        Log.EventRejected(_logger, profile, UploadRejectionCodes.ToCode(mismatch.Reason));
        _telemetry.RecordRejected(profile, "EVENT", mismatch.Reason);
    }
}
