// Event pipeline benchmark (bench/event-latency.sh runs it): needs DIRECTUPLOAD_S3_* (a real RGW) and eng/rgw/notify-setup.sh.
//
//  1. latency: N presigned PUTs, one at a time; for each, the time from the PUT's 200 to the moment the IUploadProcessor
//     runs (RGW persistent topic -> HTTP push -> MapDirectUploadEvents -> verify, claim, hook, process). Baseline: the
//     same PUT's own duration, measured in the same run.
//  2. throughput: M notifications POSTed to /uploads/events by C concurrent clients, (a) records for real granted
//     objects (full pipeline: HEAD, ledger, hook, processor) and (b) records the pipeline skips without a store call,
//     against (c) a bare endpoint on the same host that reads the body and answers 200 (the baseline).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using DirectUpload;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var count = Arg("--uploads", 40);
var posts = Arg("--posts", 2000);
var concurrency = Arg("--concurrency", 16);
string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : throw new InvalidOperationException($"{name} is not set (bench/event-latency.sh sets it)");
var endpoint = Env("DIRECTUPLOAD_S3_ENDPOINT");
var bucket = Env("DIRECTUPLOAD_S3_BUCKET");
var s3 = DirectUpload.Testing.RgwS3.Client(
    Env("DIRECTUPLOAD_S3_ACCESS_KEY"), Env("DIRECTUPLOAD_S3_SECRET_KEY"), endpoint,
    Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_REGION") ?? DirectUpload.Testing.RgwS3.DefaultRegion);
var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
var prefix = $"bench/events-{DateTime.UtcNow:yyyyMMddTHHmmss}/";
var processedAt = new ConcurrentDictionary<string, long>();

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
builder.Services.AddSingleton<IAmazonS3>(s3);
builder.Services.AddSingleton<IUploadProcessor>(new Recorder(processedAt));
builder.Services.AddDirectUploads(o =>
{
    o.BucketName = bucket;
    o.TokenSigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}).AddS3PresignedPut("bench", p =>
{
    p.KeyPrefix = prefix;
    p.AllowedContentTypes.Add("application/octet-stream");
});
var app = builder.Build();
app.MapDirectUploadEvents("/uploads/events", o => o.Secret = secret);
app.MapPost("/baseline", async (HttpContext c) => { using var r = new StreamReader(c.Request.Body); await r.ReadToEndAsync(); return Results.Ok(); });
await app.StartAsync();
var baseUrl = app.Urls.Single();
var pushUrl = $"{baseUrl}/uploads/events?secret={secret}";

// persistent topic + notification (RGW 16.2 serves a new topic's queue after it re-reads its queue list: <= 30 s)
Run(Path.Combine(RepoRoot(), "eng", "rgw", "notify-setup.sh"), "--topic", $"du-bench-{Guid.NewGuid():N}"[..30], "--prefix", prefix, "--push", pushUrl);
var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
var issuer = app.Services.GetRequiredService<IUploadPolicyIssuer>();

async Task<(string Key, long PutTicks, long DoneTicks)> PutAsync(int i)
{
    var body = new byte[4096];
    Random.Shared.NextBytes(body);
    var grant = await issuer.IssueAsync(new UploadRequest { Profile = "bench", FileName = $"f{i}.bin", ContentType = "application/octet-stream", Size = body.Length });
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

    var start = Stopwatch.GetTimestamp();
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return (grant.Key, start, Stopwatch.GetTimestamp());
}

// warm-up: the first event waits for RGW to pick the new topic up
var warm = await PutAsync(-1);
var warmWait = Stopwatch.StartNew();
while (!processedAt.ContainsKey(warm.Key) && warmWait.Elapsed < TimeSpan.FromSeconds(90))
{
    await Task.Delay(50);
}

Console.WriteLine($"first event of a new persistent topic: {warmWait.Elapsed.TotalSeconds:F1} s after the PUT");

var latencies = new List<double>();
var putTimes = new List<double>();
for (var i = 0; i < count; i++)
{
    var (key, putStart, putDone) = await PutAsync(i);
    putTimes.Add(Stopwatch.GetElapsedTime(putStart, putDone).TotalMilliseconds);
    var waited = Stopwatch.StartNew();
    while (!processedAt.ContainsKey(key) && waited.Elapsed < TimeSpan.FromSeconds(30))
    {
        await Task.Delay(1);
    }

    latencies.Add(Stopwatch.GetElapsedTime(putDone, processedAt.TryGetValue(key, out var at) ? at : Stopwatch.GetTimestamp()).TotalMilliseconds);
}

Console.WriteLine();
Console.WriteLine($"| upload completion -> processed ({count} sequential 4 KiB PUTs) | p50 ms | p95 ms | max ms |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine($"| persistent HTTP topic -> /uploads/events -> processor | {P(latencies, 50):F1} | {P(latencies, 95):F1} | {latencies.Max():F1} |");
Console.WriteLine($"| baseline: the presigned PUT itself | {P(putTimes, 50):F1} | {P(putTimes, 95):F1} | {putTimes.Max():F1} |");
Console.WriteLine($"| ratio (p50) | {P(latencies, 50) / P(putTimes, 50):F1}x | | |");

// throughput: records for real objects (full pipeline; after the first, each is "already done" for the hook, the ledger
// and processed markers are read), skipped records, and the bare baseline
var keys = processedAt.Keys.ToArray();
string Record(string key, string eventName, string b) =>
    $"{{\"Records\":[{{\"eventVersion\":\"2.2\",\"eventSource\":\"ceph:s3\",\"awsRegion\":\"\",\"eventTime\":\"2026-12-01T00:00:00.000Z\",\"eventName\":\"{eventName}\",\"s3\":{{\"bucket\":{{\"name\":\"{b}\"}},\"object\":{{\"key\":\"{key}\",\"size\":4096,\"eTag\":\"x\"}}}}}}]}}";
async Task<double> PostAllAsync(string url, Func<int, string> body)
{
    var next = -1;
    var failures = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < posts)
        {
            using var response = await http.PostAsync(url, new StringContent(body(i), Encoding.UTF8, "application/json"));
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failures);
            }
        }
    }));
    if (failures > 0)
    {
        throw new InvalidOperationException($"{failures} of {posts} posts to {url} failed");
    }

    return posts / clock.Elapsed.TotalSeconds;
}

var baseline = await PostAllAsync($"{baseUrl}/baseline", i => Record(keys[i % keys.Length], "ObjectCreated:Put", bucket));
var skipped = await PostAllAsync(pushUrl, i => Record(keys[i % keys.Length], "ObjectCreated:Put", "not-a-profile-bucket"));
var full = await PostAllAsync(pushUrl, i => Record(keys[i % keys.Length], "ObjectCreated:Put", bucket));
Console.WriteLine();
Console.WriteLine($"| notifications accepted ({posts} POSTs, {concurrency} concurrent, one record each) | per second | vs baseline |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| baseline: bare endpoint on the same host (read body, 200) | {baseline:F0} | 1.00x |");
Console.WriteLine($"| /uploads/events, record skipped without a store call (secret, bound, parse) | {skipped:F0} | {skipped / baseline:F2}x |");
Console.WriteLine($"| /uploads/events, granted object already done (HEAD + seal + verifier + ledger LIST x2) | {full:F0} | {full / baseline:F2}x |");
await app.StopAsync();
return;

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static double P(List<double> values, int percentile)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "DirectUpload.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("DirectUpload.sln not found above " + AppContext.BaseDirectory);
}

static void Run(string script, params string[] arguments)
{
    var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(script);
    foreach (var a in arguments)
    {
        start.ArgumentList.Add(a);
    }

    start.Environment["RGW_ENDPOINT"] = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_ENDPOINT");
    start.Environment["RGW_ACCESS_KEY"] = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_ACCESS_KEY");
    start.Environment["RGW_SECRET_KEY"] = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_SECRET_KEY");
    start.Environment["RGW_BUCKET"] = Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_BUCKET");
    using var process = Process.Start(start)!;
    var error = process.StandardError.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException("notify-setup.sh failed: " + error);
    }
}

/// <summary>Records when each upload was processed.</summary>
internal sealed class Recorder(ConcurrentDictionary<string, long> processedAt) : IUploadProcessor
{
    public ValueTask ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken)
    {
        processedAt.TryAdd(context.Upload.Key, Stopwatch.GetTimestamp());
        return ValueTask.CompletedTask;
    }
}
