using System.Diagnostics.Metrics;

namespace DirectUpload.RabbitMQ.Internal;

/// <summary>The worker's instruments, on the <c>DirectUpload</c> meter.</summary>
internal sealed class WorkerTelemetry : IDisposable
{
    public const string MeterName = "DirectUpload";
    public const string Messages = "directupload.worker.messages";
    public const string Duration = "directupload.worker.duration";
    public const string InFlight = "directupload.worker.in_flight";
    public const string TagOutcome = "directupload.outcome";
    public const string OutcomeProcessed = "processed";
    public const string OutcomeRetried = "retried";
    public const string OutcomeDeadLettered = "dead_lettered";
    public const string OutcomeReturned = "returned";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _messages;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;

    public WorkerTelemetry(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _messages = _meter.CreateCounter<long>(Messages, unit: "{message}", description: "Notification messages settled by the broker worker, by outcome.");
        _duration = _meter.CreateHistogram<double>(Duration, unit: "s", description: "Time to handle one notification message (pipeline and settle).");
        _inFlight = _meter.CreateUpDownCounter<long>(InFlight, unit: "{message}", description: "Notification messages being handled.");
    }

    public void Record(string outcome, double seconds)
    {
        var tag = new KeyValuePair<string, object?>(TagOutcome, outcome);
        _messages.Add(1, tag);
        _duration.Record(seconds, tag);
    }

    public void Started() => _inFlight.Add(1);

    public void Ended() => _inFlight.Add(-1);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
