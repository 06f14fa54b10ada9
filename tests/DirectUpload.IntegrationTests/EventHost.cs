using System.Collections.Concurrent;
using DirectUpload.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// A real host on a Kestrel loopback port (RGW must reach it over TCP) with DirectUpload against the fixture's S3 and
/// <c>MapDirectUploadEvents("/uploads/events")</c>; it records the completion hook's and the processor's calls.
/// </summary>
public sealed class EventHost : IAsyncDisposable
{
    public const string Secret = "it-event-secret-0123456789abcdef";

    private readonly WebApplication _app;

    private EventHost(WebApplication app, int port, EventRecorder recorder)
    {
        _app = app;
        Port = port;
        Recorder = recorder;
    }

    public int Port { get; }

    public EventRecorder Recorder { get; }

    public string PushUrl => PushUrlFor(Port);

    public IServiceProvider Services => _app.Services;

    public static string PushUrlFor(int port) => $"http://127.0.0.1:{port}/uploads/events?secret={Secret}";

    /// <summary>Starts the host on <paramref name="port"/> (0 = pick one).</summary>
    public static async Task<EventHost> StartAsync(S3Fixture s3, Action<IDirectUploadBuilder> profiles, int port = 0, EventRecorder? recorder = null)
    {
        recorder ??= new EventRecorder();
        var builder = LoopbackApp.CreateBuilder(port);
        builder.Services.AddSingleton<Amazon.S3.IAmazonS3>(s3.S3);
        builder.Services.AddSingleton<IUploadCompletedHandler>(recorder);
        builder.Services.AddSingleton<IUploadProcessor>(recorder);
        profiles(builder.Services.AddDirectUploads(o =>
        {
            o.BucketName = s3.Bucket;
            o.TokenSigningKey = S3Fixture.TokenSigningKey;
            o.Events.ProcessingRetryDelays.Clear();
            o.Events.ProcessingRetryDelays.Add(TimeSpan.FromMilliseconds(50));
            o.Events.ProcessingRetryDelays.Add(TimeSpan.FromMilliseconds(50));
        }));
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            await next(context);
            recorder.RecordPush(context.Response.StatusCode); // what RGW (or a test) got back, for the failure message
        });
        EventHost? host = null;
        app.Use(async (context, next) =>
        {
            if (host is { Unavailable: true })
            {
                // as a reverse proxy whose app is down: 503 after a short wait, so RGW retries a few times a second
                await Task.Delay(200, context.RequestAborted);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            await next(context);
        });
        app.MapDirectUploadEvents("/uploads/events", o => o.Secret = Secret);
        await app.StartAsync();
        host = new EventHost(app, app.BaseAddress().Port, recorder);
        return host;
    }

    /// <summary>While set, every request is answered 503 (the app behind the host's address is down).</summary>
    public bool Unavailable { get; set; }

    public ValueTask DisposeAsync() => _app.StopAndDisposeAsync();
}

/// <summary>Records hook and processor calls; can be told to fail a number of times first.</summary>
public sealed class EventRecorder : IUploadCompletedHandler, IUploadProcessor
{
    private int _hookFailures;
    private int _processorFailures;

    public ConcurrentQueue<UploadedObject> Completed { get; } = new();

    public ConcurrentQueue<UploadProcessingContext> Processed { get; } = new();

    public ConcurrentQueue<(string Key, DateTimeOffset At)> ProcessedAt { get; } = new();

    private readonly ConcurrentQueue<int> _pushes = new();
    private int _hookAttempts;
    private int _processorAttempts;

    /// <summary>Records the status code a request to the host was answered with.</summary>
    public void RecordPush(int status) => _pushes.Enqueue(status);

    /// <summary>How many requests were answered with <paramref name="status"/>.</summary>
    public int PushesAnswered(int status) => _pushes.Count(s => s == status);

    public int HookAttempts => _hookAttempts;

    public int ProcessorAttempts => _processorAttempts;

    public void FailHook(int times) => _hookFailures = times;

    public void FailProcessor(int times) => _processorFailures = times;

    public ValueTask OnUploadCompletedAsync(UploadedObject upload, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _hookAttempts);
        if (Interlocked.Decrement(ref _hookFailures) >= 0)
        {
            throw new InvalidOperationException("the database is down (test)");
        }

        Completed.Enqueue(upload);
        return ValueTask.CompletedTask;
    }

    public ValueTask ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _processorAttempts);
        if (Interlocked.Decrement(ref _processorFailures) >= 0)
        {
            throw new InvalidOperationException("the thumbnailer is down (test)");
        }

        Processed.Enqueue(context);
        ProcessedAt.Enqueue((context.Upload.Key, DateTimeOffset.UtcNow));
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until <paramref name="count"/> uploads were processed (polling), or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForProcessedAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Processed.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var pushes = string.Join(", ", _pushes.GroupBy(status => status).Select(g => $"{g.Count()}× {g.Key}"));
        Processed.Count.Should().BeGreaterThanOrEqualTo(
            count,
            "RGW's pushes should have been processed within {0} (requests this host answered: {1})",
            timeout,
            pushes.Length == 0 ? "none" : pushes);
    }
}
