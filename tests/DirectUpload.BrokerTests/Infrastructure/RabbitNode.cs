namespace DirectUpload.BrokerTests.Infrastructure;

/// <summary>A RabbitMQ node: the run's (eng/test.sh exports DIRECTUPLOAD_RABBITMQ_*) or a private one started and stopped by eng/rabbitmq/*.sh.</summary>
public sealed class RabbitNode : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);

    private RabbitNode(string uri, string pushEndpoint, string? dataDir)
    {
        Uri = uri;
        RgwPushEndpoint = pushEndpoint;
        DataDir = dataDir;
    }

    /// <summary>Gets the AMQP URI for clients (workers, the tests).</summary>
    public string Uri { get; }

    /// <summary>Gets the credential-free amqp:// URL an RGW topic pushes to.</summary>
    public string RgwPushEndpoint { get; }

    /// <summary>Gets the data dir of a node this class started (null for the run's node).</summary>
    public string? DataDir { get; private set; }

    public static async Task<RabbitNode> FromEnvironmentOrStartAsync()
    {
        if (Environment.GetEnvironmentVariable("DIRECTUPLOAD_RABBITMQ_URI") is { Length: > 0 } uri)
        {
            var push = Environment.GetEnvironmentVariable("DIRECTUPLOAD_RABBITMQ_RGW_PUSH_ENDPOINT")
                ?? throw new InvalidOperationException("DIRECTUPLOAD_RABBITMQ_URI is set, so DIRECTUPLOAD_RABBITMQ_RGW_PUSH_ENDPOINT must be set too (see eng/test.sh).");
            return new RabbitNode(uri, push, null);
        }

        return await StartPrivateAsync();
    }

    public static async Task<RabbitNode> StartPrivateAsync()
    {
        // a new node on free ports: none of the run node's settings
        var clean = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in new[] { "RABBITMQ_DATA_DIR", "RABBITMQ_PORT", "RABBITMQ_DIST_PORT_NUM", "RABBITMQ_EPMD_PORT", "RABBITMQ_USER", "RABBITMQ_PASSWORD", "RABBITMQ_NODENAME" })
        {
            clean[name] = null;
        }

        var exports = await Scripts.RunAsync("eng/rabbitmq/start-rabbitmq.sh", clean, ScriptTimeout);
        return new RabbitNode(exports["RABBITMQ_URI"], exports["RABBITMQ_RGW_PUSH_ENDPOINT"], exports["RABBITMQ_DATA_DIR"]);
    }

    /// <summary>Stops the private node, keeping its data (queues, persistent messages).</summary>
    public Task StopKeepingDataAsync() =>
        Scripts.RunAsync("eng/rabbitmq/stop-rabbitmq.sh", new Dictionary<string, string?>(), ScriptTimeout, "--keep", Owned());

    /// <summary>Starts the private node again from its data, on the same ports.</summary>
    public Task StartAgainAsync() =>
        Scripts.RunAsync("eng/rabbitmq/start-rabbitmq.sh", new Dictionary<string, string?> { ["RABBITMQ_DATA_DIR"] = Owned() }, ScriptTimeout);

    public async ValueTask DisposeAsync()
    {
        var dir = DataDir;
        DataDir = null;
        if (dir is not null)
        {
            await Scripts.RunAsync("eng/rabbitmq/stop-rabbitmq.sh", new Dictionary<string, string?>(), ScriptTimeout, dir);
        }
    }

    private string Owned() => DataDir ?? throw new InvalidOperationException("only a node this test started can be restarted");
}
