using System.Globalization;

namespace DirectUpload.BrokerTests.Worker;

/// <summary>
/// Appends one line per event to files the tests read: <c>started-{id}.log</c> before the work, <c>processed-{id}.log</c>
/// after it. Keys under <c>fail/</c> always throw; keys under <c>flaky/</c> throw on their first two attempts
/// (counted in a file per key, so the count spans processes).
/// </summary>
public sealed class Recorder(string stateDir, string workerId, TimeSpan slow, TimeSpan work)
{
    private readonly Lock _gate = new();

    public string WorkerId => workerId;

    public TimeSpan DelayFor(string key) => key.StartsWith("slow/", StringComparison.Ordinal) ? slow : work;

    public void Append(string kind, string key, string? etag)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{workerId}\t{key}\t{etag}\t{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n");
        lock (_gate)
        {
            File.AppendAllText(Path.Combine(stateDir, $"{kind}-{workerId}.log"), line);
        }
    }

    public int CountAttempt(string key)
    {
        var file = Path.Combine(stateDir, "attempts-" + Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(key)) + ".txt");
        lock (_gate)
        {
            File.AppendAllText(file, "x");
            return (int)new FileInfo(file).Length;
        }
    }
}

/// <summary>The processor the test worker runs, after the pipeline confirmed the upload against its grant.</summary>
public sealed class RecordingProcessor(Recorder recorder) : IUploadProcessor
{
    public async ValueTask ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var objectEvent = context.Event;

        recorder.Append("started", objectEvent.Key, objectEvent.ETag);
        var delay = recorder.DelayFor(objectEvent.Key);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken);
        }

        if (objectEvent.Key.StartsWith("fail/", StringComparison.Ordinal))
        {
            recorder.CountAttempt(objectEvent.Key);
            throw new InvalidOperationException("This test handler always fails.");
        }

        if (objectEvent.Key.StartsWith("flaky/", StringComparison.Ordinal) && recorder.CountAttempt(objectEvent.Key) <= 2)
        {
            throw new InvalidOperationException("This test handler fails twice, then succeeds.");
        }

        recorder.Append("processed", objectEvent.Key, objectEvent.ETag);
    }
}
