using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests.Infrastructure;

/// <summary>Every integration test runs in this one collection, so the S3 starts once per run.</summary>
[CollectionDefinition(Name)]
public sealed class RealS3 : ICollectionFixture<S3Fixture>
{
    public const string Name = "Real S3 (Ceph RGW)";
}

/// <summary>
/// The real S3 of a test run. When <c>DIRECTUPLOAD_S3_ENDPOINT</c> is set (eng/test.sh sets it), the S3 it names is used
/// as is; otherwise <c>eng/rgw/start-rgw.sh</c> starts a throwaway Ceph RGW on free loopback ports, and
/// <c>eng/rgw/stop-rgw.sh</c> stops it on dispose. If no S3 can be had, every test FAILS with the reason (never skips).
/// </summary>
public sealed partial class S3Fixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);
    private int _prefixCounter;
    private string? _rgwDataDir;
    private string? _repoRoot;

    public string Endpoint { get; private set; } = string.Empty;

    public string AccessKey { get; private set; } = string.Empty;

    public string SecretKey { get; private set; } = string.Empty;

    public string Bucket { get; private set; } = string.Empty;

    /// <summary>The write-only identity that signs upload grants (start-rgw.sh's subuser), or empty when not given.</summary>
    public string UploadAccessKey { get; private set; } = string.Empty;

    public string UploadSecretKey { get; private set; } = string.Empty;

    /// <summary>A second bucket of the same owner, created by the fixture (for "grant used on another bucket").</summary>
    public string OtherBucket { get; private set; } = string.Empty;

    public string Region { get; private set; } = "us-east-1";

    /// <summary>Whether the store answers like Ceph RGW (request ids <c>tx…-…</c>), whose enforcement differs from AWS in places.</summary>
    public bool IsRgw { get; private set; }

    /// <summary>Where the S3 came from, for messages.</summary>
    public string Source { get; private set; } = string.Empty;

    /// <summary>The SDK client the library signs with and the tests verify with (path-style, checksums only when required).</summary>
    public AmazonS3Client S3 { get; private set; } = null!;

    /// <summary>A plain HTTP client, as a browser or phone would use: no redirects, no cookies, no decompression.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    })
    { Timeout = TimeSpan.FromSeconds(30) };

    public GrantFollower Follower => new(Http);

    /// <summary>A unique id of this run; every key the tests write is under <c>it/{RunId}/</c>.</summary>
    public string RunId { get; } = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}");

    public static string TokenSigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public async Task InitializeAsync()
    {
        var endpoint = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_ENDPOINT");
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            Endpoint = endpoint.Trim().TrimEnd('/');
            AccessKey = RequiredVariable("DIRECTUPLOAD_S3_ACCESS_KEY");
            SecretKey = RequiredVariable("DIRECTUPLOAD_S3_SECRET_KEY");
            Bucket = RequiredVariable("DIRECTUPLOAD_S3_BUCKET");
            Region = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_REGION") is { Length: > 0 } region ? region : "us-east-1";
            UploadAccessKey = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_UPLOAD_ACCESS_KEY") ?? string.Empty;
            UploadSecretKey = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_UPLOAD_SECRET_KEY") ?? string.Empty;
            Source = $"DIRECTUPLOAD_S3_ENDPOINT={Endpoint}";
        }
        else
        {
            await StartRgwAsync();
        }

        S3 = CreateS3Client();
        await ProbeAsync();
        OtherBucket = await CreateOtherBucketAsync();
    }

    public async Task DisposeAsync()
    {
        S3?.Dispose();
        Http.Dispose();
        await StopRgwAsync();
    }

    /// <summary>An SDK client for the store. Flexible checksums only when required: RGW Pacific refuses the SDK's aws-chunked default.</summary>
    public AmazonS3Client CreateS3Client() => CreateS3Client(AccessKey, SecretKey);

    /// <summary>The service key the write-only upload identity's client is registered under by <see cref="CreateServices"/>.</summary>
    public const string UploadSigningKey = "directupload-upload-signing";

    /// <summary>An SDK client of the given identity, configured like <see cref="S3"/>.</summary>
    public AmazonS3Client CreateS3Client(string accessKey, string secretKey) =>
        RgwS3.Client(accessKey, secretKey, Endpoint, Region, timeout: TimeSpan.FromSeconds(30), maxErrorRetry: 0);

    /// <summary>A key prefix no other test uses: <c>it/{RunId}/{name}-{n}/</c>.</summary>
    public string NewPrefix(string name) =>
        string.Create(CultureInfo.InvariantCulture, $"it/{RunId}/{name}-{Interlocked.Increment(ref _prefixCounter)}/");

    /// <summary>
    /// A service provider with DirectUpload wired to this S3: <see cref="S3"/> (or <paramref name="client"/>) registered as
    /// <see cref="IAmazonS3"/>, the fixture's bucket as default, and the profiles <paramref name="profiles"/> adds.
    /// </summary>
    public ServiceProvider CreateServices(Action<IDirectUploadBuilder> profiles, IAmazonS3? client = null, bool writeOnlySigning = false)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var services = new ServiceCollection();
        services.AddSingleton(client ?? S3);
        if (writeOnlySigning)
        {
            if (UploadAccessKey.Length == 0 || UploadSecretKey.Length == 0)
            {
                throw new InvalidOperationException(
                    "These tests need the write-only upload identity: set DIRECTUPLOAD_S3_UPLOAD_ACCESS_KEY and _SECRET_KEY (eng/rgw/start-rgw.sh makes one).");
            }

            services.AddKeyedSingleton<IAmazonS3>(UploadSigningKey, (_, _) => CreateS3Client(UploadAccessKey, UploadSecretKey));
        }

        profiles(services.AddDirectUploads(o =>
        {
            o.BucketName = Bucket;
            o.TokenSigningKey = TokenSigningKey;
            o.UploadSigningClientServiceKey = writeOnlySigning ? UploadSigningKey : null;
        }));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The issuer of a provider from <see cref="CreateServices"/>.</summary>
    public IUploadPolicyIssuer CreateIssuer(Action<IDirectUploadBuilder> profiles) =>
        CreateServices(profiles).GetRequiredService<IUploadPolicyIssuer>();

    private static string RequiredVariable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"DIRECTUPLOAD_S3_ENDPOINT is set, so {name} must be set too (see eng/test.sh).");

    private async Task StartRgwAsync()
    {
        _repoRoot = RepositoryPaths.Root;
        var script = Path.Combine(_repoRoot, "eng", "rgw", "start-rgw.sh");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"No S3 for the integration tests: DIRECTUPLOAD_S3_ENDPOINT is not set and {script} does not exist.");
        }

        // eng/rgw/start-rgw.sh picks free ports for 0 (so several runs and other engineers' RGWs can coexist)
        var result = await EngScripts.RunAsync(
            Path.Combine("eng", "rgw", "start-rgw.sh"),
            new Dictionary<string, string?>
            {
                ["RGW_DATA_DIR"] = null, ["RGW_PICK_PORTS"] = null, ["RGW_KEEP_DATA"] = null, ["RGW_PORT"] = "0", ["RGW_MON_PORT"] = "0",
            },
            StartTimeout);
        if (result.TimedOut)
        {
            _rgwDataDir = DataDirFromLog(result.Stderr);
            await StopRgwAsync();
            throw new InvalidOperationException(
                $"No S3 for the integration tests: {script} did not finish within {StartTimeout.TotalSeconds:0} s. Its log:\n{Tail(result.Stderr)}");
        }

        var exports = result.Exports;
        exports.TryGetValue("RGW_DATA_DIR", out _rgwDataDir);
        if (result.ExitCode != 0 || !exports.TryGetValue("RGW_ENDPOINT", out var rgwEndpoint))
        {
            await StopRgwAsync();
            throw new InvalidOperationException(
                $"No S3 for the integration tests: {script} exited with {result.ExitCode} (install Ceph with eng/rgw/install-rgw.sh, " +
                $"or set DIRECTUPLOAD_S3_ENDPOINT/_ACCESS_KEY/_SECRET_KEY/_BUCKET). Its log:\n{Tail(result.Stderr)}");
        }

        Endpoint = rgwEndpoint;
        AccessKey = exports["RGW_ACCESS_KEY"];
        SecretKey = exports["RGW_SECRET_KEY"];
        Bucket = exports["RGW_BUCKET"];
        Region = exports.TryGetValue("RGW_REGION", out var region) ? region : "us-east-1";
        UploadAccessKey = exports.GetValueOrDefault("RGW_UPLOAD_ACCESS_KEY", string.Empty);
        UploadSecretKey = exports.GetValueOrDefault("RGW_UPLOAD_SECRET_KEY", string.Empty);
        Source = $"eng/rgw/start-rgw.sh ({Endpoint}, data dir {_rgwDataDir})";

        // stop it even if the test host is torn down without disposing fixtures
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopRgwAsync().GetAwaiter().GetResult();
    }

    private async Task StopRgwAsync()
    {
        var dataDir = Interlocked.Exchange(ref _rgwDataDir, null);
        if (dataDir is null || _repoRoot is null)
        {
            return;
        }

        // stop-rgw.sh escalates to SIGKILL itself after 10 s per daemon; do not hang the test run beyond StopTimeout
        var keep = Environment.GetEnvironmentVariable("DIRECTUPLOAD_RGW_KEEP_DATA") == "1" ? "1" : null;
        await EngScripts.RunAsync(Path.Combine("eng", "rgw", "stop-rgw.sh"), new Dictionary<string, string?> { ["RGW_KEEP_DATA"] = keep }, StopTimeout, dataDir);
    }

    private async Task ProbeAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(Endpoint.TrimEnd('/') + "/", UriKind.Absolute));
            var requestId = response.Headers.TryGetValues("x-amz-request-id", out var ids) ? ids.FirstOrDefault() : null;
            IsRgw = requestId is not null && RgwRequestId().IsMatch(requestId);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"The S3 at {Endpoint} ({Source}) does not answer: {e.Message}", e);
        }
    }

    private async Task<string> CreateOtherBucketAsync()
    {
        var name = Bucket.Length > 50 ? Bucket[..50] : Bucket;
        name = name.TrimEnd('-', '.') + "-other";
        try
        {
            await S3.PutBucketAsync(new PutBucketRequest { BucketName = name });
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // a store given through DIRECTUPLOAD_S3_* may keep it between runs
        }

        return name;
    }

    private static string? DataDirFromLog(string log)
    {
        var match = DataDirLine().Match(log);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string Tail(string text) => EngScripts.Tail(text, 60);

    [GeneratedRegex(@"data dir (\S+),")]
    private static partial Regex DataDirLine();

    [GeneratedRegex(@"^tx[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-")]
    private static partial Regex RgwRequestId();
}
