using Amazon.S3;

namespace DirectUpload.FaultTests.Infrastructure;

/// <summary>The fault tests run one at a time on one private RGW: they kill and pause its radosgw.</summary>
[CollectionDefinition(Name)]
public sealed class PrivateRgwTests : ICollectionFixture<PrivateRgw>
{
    public const string Name = "Private Ceph RGW (killed and restarted by the tests)";
}

/// <summary>
/// A Ceph RGW of this project's own, started with <c>eng/rgw/start-rgw.sh</c> on free loopback ports (never the test
/// run's shared S3, which other test classes use at the same time), memstore so killing radosgw keeps the data (it lives
/// in the OSD). Fault actions go through <c>eng/rgw/radosgw-ctl.sh</c>, which signals only this cluster's radosgw by PID.
/// If RGW cannot start, every test FAILS with the reason.
/// </summary>
public sealed class PrivateRgw : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);

    public string RepoRoot { get; } = RepositoryPaths.Root;

    public string DataDir { get; private set; } = string.Empty;

    public string Endpoint { get; private set; } = string.Empty;

    public string AccessKey { get; private set; } = string.Empty;

    public string SecretKey { get; private set; } = string.Empty;

    public string Bucket { get; private set; } = string.Empty;

    public AmazonS3Client S3 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (code, stdout, stderr) = await RunAsync("start-rgw.sh", [], new Dictionary<string, string>
        {
            ["RGW_PICK_PORTS"] = "1",
            ["RGW_BUCKET"] = "fault-tests",
            ["RGW_STORE_BYTES"] = (1536L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var exports = ParseExports(stdout);
        if (exports.TryGetValue("RGW_DATA_DIR", out var dir))
        {
            DataDir = dir;
        }

        if (code != 0 || !exports.TryGetValue("RGW_ENDPOINT", out var endpoint))
        {
            await DisposeAsync();
            throw new InvalidOperationException($"The fault tests' private RGW did not start (exit {code}); install Ceph with eng/rgw/install-rgw.sh. Log:\n{Tail(stderr)}");
        }

        Endpoint = endpoint;
        AccessKey = exports["RGW_ACCESS_KEY"];
        SecretKey = exports["RGW_SECRET_KEY"];
        Bucket = exports["RGW_BUCKET"];
        S3 = CreateS3Client();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync().GetAwaiter().GetResult();
    }

    public async Task DisposeAsync()
    {
        S3?.Dispose();
        await StopAsync();
    }

    /// <summary>An SDK client for the store, as the host registers it.</summary>
    public AmazonS3Client CreateS3Client() =>
        RgwS3.Client(AccessKey, SecretKey, Endpoint, timeout: TimeSpan.FromSeconds(20), maxErrorRetry: 1);

    /// <summary>Runs <c>eng/rgw/radosgw-ctl.sh</c>: kill, stop, start, restart, pause or resume this cluster's radosgw.</summary>
    public async Task RadosgwAsync(string action)
    {
        var (code, _, stderr) = await RunAsync("radosgw-ctl.sh", [DataDir, action], []);
        if (code != 0)
        {
            throw new InvalidOperationException($"radosgw-ctl.sh {action} failed (exit {code}):\n{Tail(stderr)}");
        }
    }

    private async Task StopAsync()
    {
        var dir = Interlocked.Exchange(ref _stopOnce, null) is null ? null : DataDir;
        if (string.IsNullOrEmpty(dir))
        {
            return;
        }

        // a paused radosgw would ignore SIGTERM until resumed: stop-rgw.sh escalates to SIGKILL after 10 s anyway
        await RunAsync("radosgw-ctl.sh", [dir, "resume"], []);
        await RunAsync("stop-rgw.sh", [dir], []);
    }

    private object? _stopOnce = new();

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string script, string[] args, Dictionary<string, string> environment)
    {
        // never the test run's own RGW: its variables are not passed on
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["RGW_DATA_DIR"] = null, ["RGW_PORT"] = null, ["RGW_MON_PORT"] = null, ["RGW_KEEP_DATA"] = null, ["RGW_OSD_STORE"] = null,
        };
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        var result = await EngScripts.RunAsync(Path.Combine("eng", "rgw", script), variables, ScriptTimeout, args);
        return (result.ExitCode, result.Stdout, result.Stderr);
    }

    private static Dictionary<string, string> ParseExports(string output) => EngScripts.ParseExports(output);

    private static string Tail(string log) => EngScripts.Tail(log);
}
