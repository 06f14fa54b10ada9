using System.Net;

namespace DirectUpload.Client.Internal;

/// <summary>
/// Exponential backoff with jitter for transient failures: network errors, timeouts, 408, 429, 5xx and S3's
/// <c>RequestTimeout</c>. Honours <c>Retry-After</c> (capped at the maximum delay).
/// </summary>
internal sealed class RetryPolicy
{
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _timeProvider;

    public RetryPolicy(int maxRetries, TimeSpan baseDelay, TimeSpan maxDelay, TimeProvider timeProvider)
    {
        MaxRetries = maxRetries;
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _timeProvider = timeProvider;
    }

    public int MaxRetries { get; }

    public RetryPolicy WithMaxRetries(int maxRetries) => new(maxRetries, _baseDelay, _maxDelay, _timeProvider);

    /// <summary>Runs <paramref name="action"/>, retrying transient failures.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ShouldRetry(ex, attempt, cancellationToken))
            {
                await DelayAsync(attempt, ex, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a failure of attempt <paramref name="attempt"/> (0-based) is transient and retries remain.</summary>
    public bool ShouldRetry(Exception exception, int attempt, CancellationToken cancellationToken) =>
        attempt < MaxRetries && !cancellationToken.IsCancellationRequested && IsTransient(exception);

    public static bool IsTransient(Exception exception) => exception switch
    {
        DirectUploadClientException { Code: DirectUploadErrorCodes.StorageFull } => false,
        DirectUploadClientException { Code: DirectUploadErrorCodes.StorageStalled } => true,
        DirectUploadClientException { StatusCode: { } status } e =>
            (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            || e.Code == DirectUploadErrorCodes.StorageErrorPrefix + "RequestTimeout",
        DirectUploadClientException => false,
        HttpRequestException => true,

        // Not the caller's cancellation (checked before): HttpClient.Timeout elapsed.
        OperationCanceledException => true,
        _ => false,
    };

    /// <summary>Waits before attempt <paramref name="attempt"/> + 1: base × 2^attempt, half of it random, or what Retry-After asks.</summary>
    public Task DelayAsync(int attempt, Exception exception, CancellationToken cancellationToken)
    {
        var exponential = _baseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(exponential, _maxDelay.Ticks);
#pragma warning disable CA5394 // Jitter spreads retries; it is not a security decision.
        var jittered = (capped / 2) + (Random.Shared.NextDouble() * capped / 2);
#pragma warning restore CA5394
        var delay = TimeSpan.FromTicks((long)jittered);
        if (exception is DirectUploadClientException { RetryAfter: { } retryAfter })
        {
            var asked = retryAfter.Delta ?? (retryAfter.Date - _timeProvider.GetUtcNow()) ?? TimeSpan.Zero;
            if (asked > delay)
            {
                delay = asked < _maxDelay ? asked : _maxDelay;
            }
        }

        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, _timeProvider, cancellationToken);
    }
}
