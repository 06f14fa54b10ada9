// Upload throughput: DirectUpload.Client (multipart, parallel parts, through a host running MapDirectUploads), with and
// without per-part MD5, against curl's single presigned PUT of the same bytes, in one run, against the same local S3.
// Also prints the process's peak RSS during the rounds and the request body bytes the app received (payload: 0).
// Run it with bench/upload-throughput.sh, which starts the S3 (Ceph RGW) and passes its address in DIRECTUPLOAD_S3_*.
using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using DirectUpload;
using DirectUpload.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// 1. settings -----------------------------------------------------------------------------------------------------
var sizeMiB = int.Parse(Arg("--size-mib", "1024"), CultureInfo.InvariantCulture);
var rounds = int.Parse(Arg("--rounds", "2"), CultureInfo.InvariantCulture);
var parallel = int.Parse(Arg("--parallel", "4"), CultureInfo.InvariantCulture);
var partMiB = int.Parse(Arg("--part-mib", "16"), CultureInfo.InvariantCulture);
var endpoint = Env("DIRECTUPLOAD_S3_ENDPOINT");
var bucket = Env("DIRECTUPLOAD_S3_BUCKET");
var size = (long)sizeMiB * 1024 * 1024;

// 2. the file both uploaders send ---------------------------------------------------------------------------------
var file = CreateFile(size);
var warmUpFile = CreateFile(64L * 1024 * 1024);

// 3. a host with the DirectUpload endpoints, on a free loopback port -----------------------------------------------
var builder = WebApplication.CreateBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls("http://127.0.0.1:0");
var s3 = DirectUpload.Testing.RgwS3.Client(
    Env("DIRECTUPLOAD_S3_ACCESS_KEY"), Env("DIRECTUPLOAD_S3_SECRET_KEY"), endpoint,
    Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_REGION") ?? DirectUpload.Testing.RgwS3.DefaultRegion);
builder.Services.AddSingleton<IAmazonS3>(s3);
builder.Services.AddDirectUploads(o =>
    {
        o.BucketName = bucket;
        o.TokenSigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    })
    .AddProfile("big", p =>
    {
        p.Method = UploadMethod.Multipart;
        p.KeyPrefix = "bench/client/";
        p.AllowedContentTypes.Add("*/*");
        p.MaxSizeBytes = 5L * 1024 * 1024 * 1024;
        p.PartSizeBytes = partMiB * 1024L * 1024;
    })
    .AddS3PresignedPut("single", p =>
    {
        p.KeyPrefix = "bench/curl/";
        p.AllowedContentTypes.Add("*/*");
        p.MaxSizeBytes = 5L * 1024 * 1024 * 1024;
    });
var app = builder.Build();
long hostRequestBytes = 0; // every request body byte the app receives (0 payload bytes must go through it)
app.Use(async (context, next) =>
{
    Interlocked.Add(ref hostRequestBytes, context.Request.ContentLength ?? 0);
    await next(context);
});
app.MapDirectUploads("/uploads");
await app.StartAsync();
var hostUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

using var api = new HttpClient { BaseAddress = new Uri(hostUrl), Timeout = TimeSpan.FromMinutes(30) };
var client = new DirectUploadClient(api, new DirectUploadClientOptions { BasePath = "/uploads" });
var issuer = app.Services.GetRequiredService<IUploadPolicyIssuer>();

// 4. rounds, alternating, after a small warm-up of each ---------------------------------------------------------------
var curlSeconds = new List<double>();
var clientSeconds = new List<double>();
var noMd5Seconds = new List<double>();
var rssBefore = Environment.WorkingSet;
long rssPeak = 0;
Console.WriteLine($"upload throughput: {sizeMiB} MiB, {rounds} rounds, client: multipart {partMiB} MiB parts x {parallel} in parallel; S3 {endpoint}");
await CurlAsync(warmUp: true);
await ClientAsync(warmUp: true, md5: true);
using var sampling = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    // the process's RSS (host + client), sampled every 200 ms during the rounds
    while (!sampling.IsCancellationRequested)
    {
        using var self = Process.GetCurrentProcess();
        rssPeak = Math.Max(rssPeak, self.WorkingSet64);
        await Task.Delay(200);
    }
});
hostRequestBytes = 0;
for (var round = 1; round <= rounds; round++)
{
    curlSeconds.Add(await CurlAsync(warmUp: false));
    clientSeconds.Add(await ClientAsync(warmUp: false, md5: true));
    noMd5Seconds.Add(await ClientAsync(warmUp: false, md5: false));
    Console.WriteLine($"round {round}: curl {Rate(curlSeconds[^1])} MiB/s ({curlSeconds[^1]:0.00} s), DirectUpload.Client {Rate(clientSeconds[^1])} MiB/s ({clientSeconds[^1]:0.00} s), without part MD5 {Rate(noMd5Seconds[^1])} MiB/s ({noMd5Seconds[^1]:0.00} s)");
}

await sampling.CancelAsync();
await sampler;

var curlMedian = Median(curlSeconds);
var clientMedian = Median(clientSeconds);
Console.WriteLine();
Console.WriteLine("| uploader | median time (s) | median MiB/s | ratio vs curl |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| curl, one presigned PUT (baseline) | {curlMedian:0.00} | {Rate(curlMedian)} | 1.00 |");
Console.WriteLine($"| DirectUpload.Client, multipart, ComputePartMd5 = true | {clientMedian:0.00} | {Rate(clientMedian)} | {curlMedian / clientMedian:0.00} |");
var noMd5Median = Median(noMd5Seconds);
Console.WriteLine($"| DirectUpload.Client, multipart, ComputePartMd5 = false (default) | {noMd5Median:0.00} | {Rate(noMd5Median)} | {curlMedian / noMd5Median:0.00} |");
Console.WriteLine();
Console.WriteLine($"part MD5 cost: {(clientMedian / noMd5Median - 1) * 100:0.0} % more time");
Console.WriteLine($"process RSS (host + client): {rssBefore / (1024 * 1024)} MiB before the rounds, peak {rssPeak / (1024 * 1024)} MiB during them");
Console.WriteLine($"request body bytes received by the app during the rounds: {hostRequestBytes:N0} (the uploads: {3L * rounds * size:N0})");
await app.StopAsync();
return 0;

async Task<double> CurlAsync(bool warmUp)
{
    var path = warmUp ? warmUpFile : file;
    var bytes = new FileInfo(path).Length;
    var grant = await issuer.IssueAsync(new DirectUpload.UploadRequest { Profile = "single", FileName = "bench.bin", ContentType = "application/octet-stream", Size = bytes });
    var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in new[] { "-sS", "--fail-with-body", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--upload-file", path })
    {
        start.ArgumentList.Add(a);
    }

    foreach (var (name, value) in grant.Headers)
    {
        if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
        {
            // curl drops a header given as "Name:" with nothing after it; "Name;" sends it empty, as sealed grants sign it
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add(value.Length == 0 ? $"{name};" : $"{name}: {value}");
        }
    }

    start.ArgumentList.Add(grant.Url);
    var watch = Stopwatch.StartNew();
    using var curl = Process.Start(start)!;

    var code = await curl.StandardOutput.ReadToEndAsync();
    var errors = await curl.StandardError.ReadToEndAsync();
    await curl.WaitForExitAsync();
    watch.Stop();
    if (curl.ExitCode != 0 || code != "200")
    {
        throw new InvalidOperationException($"curl failed: exit {curl.ExitCode}, HTTP {code}: {errors}");
    }

    await s3.DeleteObjectAsync(bucket, grant.Key);
    return watch.Elapsed.TotalSeconds;
}

async Task<double> ClientAsync(bool warmUp, bool md5)
{
    var options = new UploadOptions { MaxParallelParts = parallel, MultipartThresholdBytes = 0, ComputePartMd5 = md5 };
    var watch = Stopwatch.StartNew();
    var result = await client.UploadAsync("big", warmUp ? warmUpFile : file, "application/octet-stream", options);

    watch.Stop();
    if (!warmUp && result.Size != size)
    {
        throw new InvalidOperationException($"the client stored {result.Size} bytes, not {size}");
    }

    await s3.DeleteObjectAsync(bucket, result.Key);
    return watch.Elapsed.TotalSeconds;
}

static string CreateFile(long bytes)
{
    var path = Path.Combine(Path.GetTempPath(), $"directupload-bench-{bytes / (1024 * 1024)}mib.bin");
    if (!File.Exists(path) || new FileInfo(path).Length != bytes)
    {
        using var output = File.Create(path);
        var chunk = new byte[4 * 1024 * 1024];
        for (long written = 0; written < bytes; written += chunk.Length)
        {
            Random.Shared.NextBytes(chunk);
            output.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - written));
        }
    }

    return path;
}

string Rate(double seconds) => (sizeMiB / seconds).ToString("0", CultureInfo.InvariantCulture);

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
    ? value
    : throw new InvalidOperationException($"{name} is not set; run bench/upload-throughput.sh, which starts a local S3.");
