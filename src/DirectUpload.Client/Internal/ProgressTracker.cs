namespace DirectUpload.Client.Internal;

/// <summary>
/// Sums the bytes sent over all parts and reports them in increasing order. Each part counts up to the most bytes any
/// of its attempts has written, so a retried part does not count twice and the total never goes back.
/// </summary>
internal sealed class ProgressTracker
{
    private readonly IProgress<UploadProgress>? _progress;
    private readonly long _total;
    private readonly long[] _highWater;
    private readonly Lock _lock = new();
    private long _sent;
    private long _lastReported = -1;

    public ProgressTracker(IProgress<UploadProgress>? progress, long total, int parts)
    {
        _progress = progress;
        _total = total;
        _highWater = new long[Math.Max(parts, 1)];
    }

    /// <summary>Gets a callback for the content of part <paramref name="index"/> (0-based), or null when nobody listens.</summary>
    public Action<long>? For(int index) => _progress is null ? null : written => Report(index, written);

    /// <summary>Records bytes of part <paramref name="index"/> written by the current attempt.</summary>
    public void Report(int index, long written)
    {
        if (_progress is null)
        {
            return;
        }

        lock (_lock)
        {
            var delta = written - _highWater[index];
            if (delta > 0)
            {
                _highWater[index] = written;
                _sent += delta;
                Publish();
            }
        }
    }

    /// <summary>Counts part <paramref name="index"/> as sent in full without reporting (a part the store already has).</summary>
    public void MarkStored(int index, long size)
    {
        lock (_lock)
        {
            _sent += size - _highWater[index];
            _highWater[index] = size;
        }
    }

    /// <summary>Reports the current count unless it was the last one reported (also reports an empty upload once).</summary>
    public void Flush()
    {
        if (_progress is null)
        {
            return;
        }

        lock (_lock)
        {
            if (_lastReported != _sent)
            {
                Publish();
            }
        }
    }

    private void Publish()
    {
        _lastReported = _sent;
        _progress!.Report(new UploadProgress(_sent, _total));
    }
}
