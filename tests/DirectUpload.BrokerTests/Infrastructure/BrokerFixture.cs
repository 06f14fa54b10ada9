using System.Globalization;
using System.Security.Cryptography;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace DirectUpload.BrokerTests.Infrastructure;

/// <summary>
/// One <see cref="BrokerFixture"/> for the whole test assembly (xunit 2 has no assembly fixtures): the test classes run in
/// parallel (each test has its own bucket, topic and queue; most of their time is waiting for RGW's push), sharing one
/// RGW and one RabbitMQ node. What the fixture started is stopped when the test host exits.
/// </summary>
public sealed class BrokerFixtureHolder
{
    private static readonly Lazy<Task<BrokerFixture>> Shared = new(async () =>
    {
        var fixture = new BrokerFixture();
        await fixture.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => fixture.DisposeAsync().GetAwaiter().GetResult();
        return fixture;
    });

    public BrokerFixtureHolder() => Fixture = Shared.Value.GetAwaiter().GetResult();

    public BrokerFixture Fixture { get; }
}

/// <summary>
/// The store (DIRECTUPLOAD_S3_* or a throwaway RGW from eng/rgw/start-rgw.sh) and the broker (DIRECTUPLOAD_RABBITMQ_* or a
/// throwaway node from eng/rabbitmq/start-rabbitmq.sh). Each test gets its own bucket, RGW topic and worker queue.
/// </summary>
public sealed class BrokerFixture
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(3);
    private readonly bool _private;
    private string? _rgwDataDir;
    private int _counter;

    // RGW 16.2 now and then answers 500 to a CreateTopic or PutBucketNotification made while other topic calls run
    // against it (seen with parallel test classes): one lane's setup at a time against this RGW.
    private readonly SemaphoreSlim _setupLock = new(1, 1);

    /// <summary>Initializes a new instance of the <see cref="BrokerFixture"/> class.</summary>
    /// <param name="privateParts">Start an RGW and a RabbitMQ node of its own even when the run provides them (tests that stop the broker).</param>
    public BrokerFixture(bool privateParts = false) => _private = privateParts;

    /// <summary>Gets a value indicating whether the RGW this fixture started is still running (RGW 16.2's AMQP manager can abort while a broker is down).</summary>
    public bool RgwAlive => _rgwDataDir is null || File.ReadAllLines(Path.Combine(_rgwDataDir, "pids")).All(l => int.TryParse(l.Split(' ')[^1], out var pid) && Directory.Exists("/proc/" + pid));

    public string Endpoint { get; private set; } = string.Empty;

    public string AccessKey { get; private set; } = string.Empty;

    public string SecretKey { get; private set; } = string.Empty;

    public string Region { get; private set; } = "us-east-1";

    public RabbitNode Rabbit { get; private set; } = null!;

    public string TokenKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string RunId { get; } = RandomNumberGenerator.GetHexString(8, lowercase: true);

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Gets the folder of the lanes' record files (deleted on dispose).</summary>
    public string StateRoot { get; } = Directory.CreateTempSubdirectory("directupload-broker-test-").FullName;

    public AmazonS3Client S3 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The broker tests always run an RGW of their own: Ceph 16.2's AMQP push code has crashed radosgw here (see
        // BrokerRestartTests), and that must never take down the RGW the other suites of the run share.
        // DIRECTUPLOAD_BROKER_TESTS_S3=shared uses DIRECTUPLOAD_S3_* instead (another S3 with AMQP pushes).
        var shared = Environment.GetEnvironmentVariable("DIRECTUPLOAD_BROKER_TESTS_S3") == "shared";
        if (!_private && shared && Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_ENDPOINT") is { Length: > 0 } endpoint)
        {
            Endpoint = endpoint.TrimEnd('/');
            AccessKey = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_ACCESS_KEY") ?? throw new InvalidOperationException("set DIRECTUPLOAD_S3_ACCESS_KEY");
            SecretKey = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_SECRET_KEY") ?? throw new InvalidOperationException("set DIRECTUPLOAD_S3_SECRET_KEY");
            Region = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_REGION") is { Length: > 0 } r ? r : "us-east-1";
        }
        else
        {
            var rgw = await Scripts.RunAsync("eng/rgw/start-rgw.sh", new Dictionary<string, string?> { ["RGW_PICK_PORTS"] = "1", ["RGW_DATA_DIR"] = null, ["RGW_PORT"] = null, ["RGW_MON_PORT"] = null }, ScriptTimeout);
            _rgwDataDir = rgw["RGW_DATA_DIR"];
            Endpoint = rgw["RGW_ENDPOINT"];
            AccessKey = rgw["RGW_ACCESS_KEY"];
            SecretKey = rgw["RGW_SECRET_KEY"];
        }

        S3 = RgwS3.Client(AccessKey, SecretKey, Endpoint, Region);
        Rabbit = _private ? await RabbitNode.StartPrivateAsync() : await RabbitNode.FromEnvironmentOrStartAsync();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        try
        {
            Directory.Delete(StateRoot, recursive: true);
        }
        catch (IOException)
        {
            // a worker still writing; the temp folder is the OS's to clean
        }

        S3?.Dispose();
        if (Rabbit is not null)
        {
            await Rabbit.DisposeAsync();
        }

        if (_rgwDataDir is not null)
        {
            await Scripts.RunAsync("eng/rgw/stop-rgw.sh", new Dictionary<string, string?>(), ScriptTimeout, _rgwDataDir);
        }
    }

    /// <summary>A new bucket whose ObjectCreated events go, through a persistent RGW AMQP topic, to <paramref name="node"/>'s events exchange.</summary>
    /// <param name="name">A short name for the bucket, topic and queue.</param>
    /// <param name="ackLevel">
    /// The topic's <c>amqp-ack-level</c>. <c>broker</c> (the production setting, eng/rabbitmq/setup-rgw-amqp-topic.sh's default)
    /// is what keeps events through a broker outage, and <see cref="BrokerRestartTests"/> proves it; with <c>none</c> the
    /// events pushed while the broker is down are lost (seen here). The tests of the worker's own behaviour use <c>none</c>:
    /// under this machine's load, radosgw 16.2 crashed in its AMQP confirm path (segfault in msgr-worker, or an abort in
    /// amqp_manager) in 4 of 4 parallel runs with <c>broker</c>, and in none with <c>none</c>.
    /// </param>
    /// <param name="node">The broker (default: the run's).</param>
    public async Task<Lane> CreateLaneAsync(string name, string ackLevel = "none", RabbitNode? node = null)
    {
        node ??= Rabbit;
        var id = string.Create(CultureInfo.InvariantCulture, $"brk-{RunId}-{name}-{Interlocked.Increment(ref _counter)}");
        await _setupLock.WaitAsync();
        try
        {
            await Scripts.RunAsync("eng/rabbitmq/setup-rgw-amqp-topic.sh", new Dictionary<string, string?>
            {
                ["RGW_ENDPOINT"] = Endpoint,
                ["RGW_ACCESS_KEY"] = AccessKey,
                ["RGW_SECRET_KEY"] = SecretKey,
                ["TOPIC_BUCKET"] = id,
                ["TOPIC_CREATE_BUCKET"] = "1",
                ["TOPIC_NAME"] = id,
                ["TOPIC_PREFIXES"] = string.Join(",", BrokerTestProfiles.Names.Select(n => n + "/")),
                ["RABBITMQ_RGW_PUSH_ENDPOINT"] = node.RgwPushEndpoint,
                ["RABBITMQ_EVENTS_EXCHANGE"] = "directupload.events",
                ["TOPIC_ACK_LEVEL"] = ackLevel,
            }, ScriptTimeout);
        }
        finally
        {
            _setupLock.Release();
        }

        return new Lane(this, node, id, id, "q." + id);
    }
}

/// <summary>One test's bucket, topic (routing key) and worker queue.</summary>
public sealed class Lane(BrokerFixture fixture, RabbitNode node, string bucket, string topic, string queue)
{
    private ServiceProvider? _services;

    public string Bucket => bucket;

    public string Topic => topic;

    public string Queue => queue;

    public RabbitNode Node => node;

    public string StateDir { get; } = Directory.CreateDirectory(Path.Combine(fixture.StateRoot, Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>Environment of a worker process for this lane.</summary>
    public Dictionary<string, string?> WorkerEnvironment(string workerId) => new()
    {
        ["DIRECTUPLOAD_S3_ENDPOINT"] = fixture.Endpoint,
        ["DIRECTUPLOAD_S3_ACCESS_KEY"] = fixture.AccessKey,
        ["DIRECTUPLOAD_S3_SECRET_KEY"] = fixture.SecretKey,
        ["DIRECTUPLOAD_S3_REGION"] = fixture.Region,
        ["DIRECTUPLOAD_S3_BUCKET"] = bucket,
        ["DIRECTUPLOAD_TOKEN_KEY"] = fixture.TokenKey,
        ["DIRECTUPLOAD_RABBITMQ_URI"] = node.Uri,
        ["WORKER_QUEUE"] = queue,
        ["WORKER_ROUTING_KEY"] = topic, // RGW routes by topic name; lanes share the exchange
        ["WORKER_ID"] = workerId,
        ["WORKER_STATE_DIR"] = StateDir,
    };

    /// <summary>Uploads <paramref name="size"/> bytes through a DirectUpload grant of <paramref name="profile"/> (as a browser would); returns the key.</summary>
    public Task<string> UploadAsync(string profile, int size = 256) =>
        UploadAsync(profile, RandomNumberGenerator.GetBytes(size), "photo.bin", "application/octet-stream");

    /// <summary>Uploads <paramref name="body"/> through a DirectUpload grant of <paramref name="profile"/> (as a browser would); returns the key.</summary>
    public async Task<string> UploadAsync(string profile, byte[] body, string fileName, string contentType)
    {
        ArgumentNullException.ThrowIfNull(body);
        _services ??= BuildServices();
        using var scope = _services.CreateScope();
        var issuer = scope.ServiceProvider.GetRequiredService<IUploadPolicyIssuer>();
        var grant = await issuer.IssueAsync(new UploadRequest { Profile = profile, FileName = fileName, ContentType = contentType, Size = body.Length });
        using var request = new HttpRequestMessage(HttpMethod.Put, grant.Url) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in grant.Headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await fixture.Http.SendAsync(request);
        response.IsSuccessStatusCode.Should().BeTrue($"the PUT of {grant.Key} must succeed: {await response.Content.ReadAsStringAsync()}");
        return grant.Key;
    }

    /// <summary>Keys recorded as <paramref name="kind"/> (processed, started) by every worker: (worker, key) pairs in file order.</summary>
    public List<(string Worker, string Key)> Records(string kind)
    {
        var list = new List<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(StateDir, kind + "-*.log"))
        {
            foreach (var line in File.ReadAllLines(file))
            {
                var parts = line.Split('\t');
                if (parts.Length >= 2)
                {
                    list.Add((parts[0], parts[1]));
                }
            }
        }

        return list;
    }

    public async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (!fixture.RgwAlive)
            {
                throw new InvalidOperationException($"radosgw died while waiting for {what} (Ceph 16.2 AMQP push crash; see its log in the RGW data dir).");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}. State dir {StateDir}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A connection to this lane's broker, for tests that publish, count or read dead letters.</summary>
    public async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = new Uri(node.Uri), ClientProvidedName = "directupload-broker-test" }.CreateConnectionAsync();

    private ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonS3>(fixture.S3);
        services.AddDirectUploads(o =>
        {
            o.BucketName = bucket;
            o.TokenSigningKey = fixture.TokenKey;
        }).AddBrokerTestProfiles();
        return services.BuildServiceProvider();
    }
}
