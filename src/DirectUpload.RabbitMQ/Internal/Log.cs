using Microsoft.Extensions.Logging;

namespace DirectUpload.RabbitMQ.Internal;

/// <summary>Every log message of the broker worker, with stable event ids. Never the broker password, bodies or keys above Trace.</summary>
internal static partial class Log
{
    /// <summary>The logger category of the worker.</summary>
    public const string Category = "DirectUpload.RabbitMQ";

    internal const int IdConnected = 100;
    internal const int IdConnectFailed = 101;
    internal const int IdConnectionLost = 102;
    internal const int IdRecovered = 103;
    internal const int IdProcessed = 110;
    internal const int IdRetryScheduled = 111;
    internal const int IdDeadLettered = 112;
    internal const int IdReturned = 113;
    internal const int IdSettleFailed = 114;
    internal const int IdStopping = 120;
    internal const int IdStopped = 121;

    [LoggerMessage(EventId = IdConnected, EventName = "WorkerConnected", Level = LogLevel.Information,
        Message = "DirectUpload worker consuming queue {Queue} on {Host}:{Port} (prefetch {Prefetch}, concurrency {Concurrency}, max attempts {MaxAttempts}).")]
    public static partial void Connected(ILogger logger, string queue, string host, int port, int prefetch, int concurrency, int maxAttempts);

    [LoggerMessage(EventId = IdConnectFailed, EventName = "WorkerConnectFailed", Level = LogLevel.Warning,
        Message = "DirectUpload worker could not reach the broker at {Host}:{Port} ({ErrorType}); trying again in {Delay}.")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string errorType, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = IdConnectionLost, EventName = "WorkerConnectionLost", Level = LogLevel.Warning,
        Message = "DirectUpload worker lost its broker connection ({Initiator}, code {ReplyCode}); unacknowledged messages return to the queue, reconnecting.")]
    public static partial void ConnectionLost(ILogger logger, string initiator, ushort replyCode);

    [LoggerMessage(EventId = IdRecovered, EventName = "WorkerRecovered", Level = LogLevel.Information,
        Message = "DirectUpload worker reconnected to the broker and resumed consuming.")]
    public static partial void Recovered(ILogger logger);

    [LoggerMessage(EventId = IdProcessed, EventName = "WorkerMessageProcessed", Level = LogLevel.Debug,
        Message = "Processed a notification with {Records} record(s) on attempt {Attempt} in {ElapsedMs} ms.")]
    public static partial void Processed(ILogger logger, int records, int attempt, double elapsedMs);

    [LoggerMessage(EventId = IdRetryScheduled, EventName = "WorkerRetryScheduled", Level = LogLevel.Warning,
        Message = "A notification failed on attempt {Attempt} of {MaxAttempts} ({ErrorType}); retrying in {Delay}.")]
    public static partial void RetryScheduled(ILogger logger, int attempt, int maxAttempts, string errorType, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = IdDeadLettered, EventName = "WorkerDeadLettered", Level = LogLevel.Error,
        Message = "A notification was dead-lettered to {DeadLetterQueue} after attempt {Attempt} ({Reason}, {ErrorType}).")]
    public static partial void DeadLettered(ILogger logger, string deadLetterQueue, int attempt, string reason, string errorType, Exception? exception);

    [LoggerMessage(EventId = IdReturned, EventName = "WorkerMessageReturned", Level = LogLevel.Information,
        Message = "A notification in flight was returned to the queue ({Reason}).")]
    public static partial void Returned(ILogger logger, string reason);

    [LoggerMessage(EventId = IdSettleFailed, EventName = "WorkerSettleFailed", Level = LogLevel.Warning,
        Message = "Could not settle a message ({Action}, {ErrorType}); the broker will redeliver it.")]
    public static partial void SettleFailed(ILogger logger, string action, string errorType, Exception exception);

    [LoggerMessage(EventId = IdStopping, EventName = "WorkerStopping", Level = LogLevel.Information,
        Message = "DirectUpload worker stopping: no new messages; waiting for {InFlight} in flight.")]
    public static partial void Stopping(ILogger logger, int inFlight);

    [LoggerMessage(EventId = IdStopped, EventName = "WorkerStopped", Level = LogLevel.Information,
        Message = "DirectUpload worker stopped ({Returned} in-flight message(s) returned to the queue).")]
    public static partial void Stopped(ILogger logger, int returned);
}
