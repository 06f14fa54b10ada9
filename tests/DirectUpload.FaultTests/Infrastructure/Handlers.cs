namespace DirectUpload.FaultTests.Infrastructure;

/// <summary>Runs a fault once, just before the <c>n</c>-th request (1-based) goes out; counts every request.</summary>
public sealed class FaultBeforeRequest(int n, Func<Task> fault) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _count;
    private bool _done;

    public int Count => Volatile.Read(ref _count);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _count) >= n && !_done)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (!_done)
                {
                    _done = true;
                    await fault();
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Lets matching requests reach the host, then drops their answers (the connection died after the host acted).</summary>
public sealed class LoseAnswers(Func<HttpRequestMessage, bool> lose) : DelegatingHandler(new SocketsHttpHandler())
{
    public int Lost { get; private set; }

    public bool Enabled { get; set; } = true;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (Enabled && lose(request))
        {
            Lost++;
            response.Dispose();
            throw new HttpRequestException("The connection was reset before the answer arrived (injected).");
        }

        return response;
    }
}
