using System.Collections.Concurrent;

namespace DirectUpload.AspNetCore.Tests.Infrastructure;

/// <summary>The host's completion hook: records every confirmed upload.</summary>
public sealed class RecordingCompletedHandler : IUploadCompletedHandler
{
    public ConcurrentQueue<UploadedObject> Calls { get; } = new();

    public ValueTask OnUploadCompletedAsync(UploadedObject upload, CancellationToken cancellationToken)
    {
        Calls.Enqueue(upload);
        return ValueTask.CompletedTask;
    }
}
