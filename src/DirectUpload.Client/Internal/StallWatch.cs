namespace DirectUpload.Client.Internal;

/// <summary>
/// The stall timeout of one storage request: its token is cancelled when the request has made no progress (no body
/// bytes taken, no answer) for the timeout. Each <see cref="Touch"/> starts the wait again.
/// </summary>
internal sealed class StallWatch : IDisposable
{
    private readonly CancellationTokenSource _stall;
    private readonly TimeSpan _timeout;

    public StallWatch(TimeSpan timeout, TimeProvider timeProvider)
    {
        _timeout = timeout;
        _stall = new CancellationTokenSource(System.Threading.Timeout.InfiniteTimeSpan, timeProvider);
        Touch();
    }

    /// <summary>Gets the token cancelled on a stall.</summary>
    public CancellationToken Token => _stall.Token;

    /// <summary>Gets the timeout.</summary>
    public TimeSpan Timeout => _timeout;

    /// <summary>Gets a value indicating whether the request stalled.</summary>
    public bool Stalled => _stall.IsCancellationRequested;

    /// <summary>Records progress: the wait starts again.</summary>
    public void Touch()
    {
        if (_timeout == System.Threading.Timeout.InfiniteTimeSpan)
        {
            return;
        }

        try
        {
            _stall.CancelAfter(_timeout);
        }
        catch (ObjectDisposedException)
        {
            // The request is over.
        }
    }

    public void Dispose() => _stall.Dispose();
}
