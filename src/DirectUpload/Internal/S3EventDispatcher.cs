using Microsoft.Extensions.Logging;

namespace DirectUpload.Internal;

/// <summary>The default <see cref="IS3EventDispatcher"/>.</summary>
internal sealed class S3EventDispatcher : IS3EventDispatcher
{
    private readonly IEnumerable<IS3ObjectEventProcessor> _handlers;
    private readonly ILogger _logger;

    public S3EventDispatcher(IEnumerable<IS3ObjectEventProcessor> handlers, ILoggerFactory loggerFactory)
    {
        _handlers = handlers;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    public async Task<int> DispatchAsync(string json, CancellationToken cancellationToken = default)
    {
        var events = S3EventNotification.Parse(json);
        foreach (var objectEvent in events)
        {
            foreach (var handler in _handlers)
            {
                await handler.ProcessAsync(objectEvent, cancellationToken).ConfigureAwait(false);
            }
        }

        Log.EventDispatched(_logger, events.Count);
        return events.Count;
    }
}
