using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DirectUpload.Internal;

/// <summary>The names of every meter, instrument, tag and activity of DirectUpload, in one place (pinned by a test to the README).</summary>
internal sealed class DirectUploadTelemetry : IDisposable
{
    public const string Name = "DirectUpload";
    public const string GrantsIssued = "directupload.grants.issued";
    public const string GrantsRejected = "directupload.grants.rejected";
    public const string UploadsCompleted = "directupload.uploads.completed";
    public const string TagProfile = "directupload.profile";
    public const string TagMethod = "directupload.method";
    public const string TagErrorType = "error.type";
    public const string UnknownProfileTag = "(unknown)";

    /// <summary>The activity source of DirectUpload; activities are named <c>DirectUpload.{Operation}</c>.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public DirectUploadTelemetry(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Issued = _meter.CreateCounter<long>(GrantsIssued, unit: "{grant}", description: "Upload grants issued (single and multipart).");
        Rejected = _meter.CreateCounter<long>(GrantsRejected, unit: "{request}", description: "Upload requests refused, by reason.");
        Completed = _meter.CreateCounter<long>(UploadsCompleted, unit: "{upload}", description: "Uploads confirmed or multipart uploads completed.");
    }

    public Counter<long> Issued { get; }

    public Counter<long> Rejected { get; }

    public Counter<long> Completed { get; }

    public void RecordIssued(string profile, string method) =>
        Issued.Add(1, new KeyValuePair<string, object?>(TagProfile, profile), new KeyValuePair<string, object?>(TagMethod, method));

    public void RecordRejected(string profile, string method, UploadRejectionReason reason) =>
        Rejected.Add(
            1,
            new KeyValuePair<string, object?>(TagProfile, profile),
            new KeyValuePair<string, object?>(TagMethod, method),
            new KeyValuePair<string, object?>(TagErrorType, UploadRejectionCodes.ToCode(reason)));

    public void RecordCompleted(string profile, string method) =>
        Completed.Add(1, new KeyValuePair<string, object?>(TagProfile, profile), new KeyValuePair<string, object?>(TagMethod, method));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
