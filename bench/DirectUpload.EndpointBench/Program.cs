// DirectUpload.EndpointBench: the grant endpoint and a bare minimal-API endpoint in ONE Kestrel process, for
// bench/endpoint-throughput.sh (which pins this process to one core and wrk to the other).
//
//   POST /uploads/documents   MapDirectUploads: a presigned-POST profile, no authorization          (a)
//   POST /bare                 a minimal-API endpoint: System.Text.Json reads the same body into a
//                              comparable record and writes a grant-sized JSON object               (b)
//   POST /bare-issue           the bare endpoint calling IUploadPolicyIssuer itself: (b) plus the grant, for the
//                              breakdown only (what the endpoint layer adds on top of the grant is (a) − this)
//   GET  /allocated            GC.GetTotalAllocatedBytes, so the script can print bytes allocated per request
//   GET  /jitted               JitInfo.GetCompiledMethodCount, so the script can warm up until tiered compilation is done
//
// Production-like: WebApplication.CreateBuilder defaults, Information level ("Microsoft.AspNetCore": Warning, as the
// project template's appsettings.json), console logging off. Offline: the S3 client has throwaway credentials and a
// loopback service URL that is never called (presigning is local).
//
//   dotnet run -c Release --project bench/DirectUpload.EndpointBench -- --urls http://127.0.0.1:0
//
// Prints "listening on <address>" once it serves, then runs until stopped.
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using DirectUpload;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.SetMinimumLevel(LogLevel.Information);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

// never a usable key: random per process, and the endpoint is a closed loopback port
builder.Services.AddSingleton<IAmazonS3>(_ => new AmazonS3Client(
    new BasicAWSCredentials("bench-access-key", Convert.ToHexString(RandomNumberGenerator.GetBytes(20))),
    new AmazonS3Config { ServiceURL = "http://127.0.0.1:9", ForcePathStyle = true, AuthenticationRegion = "us-east-1" }));
builder.Services
    .AddDirectUploads(o =>
    {
        o.BucketName = "bench-uploads";
        o.TokenSigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    })
    // the sample's documents profile: presigned POST policy, PDFs and text, ≤ 20 MiB, the file name kept, open to anyone
    .AddS3PresignedPost("documents", p =>
    {
        p.KeyPrefix = "documents/";
        p.AllowedContentTypes.Add("application/pdf");
        p.AllowedContentTypes.Add("text/plain");
        p.MaxSizeBytes = 20L * 1024 * 1024;
        p.KeepFileName = true;
    });

var app = builder.Build();
app.MapDirectUploads("/uploads");

// the bare endpoint answers with a grant of the same shape and sizes: the strings of one real grant, taken at start-up
var sample = await app.Services.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(new UploadRequest
{
    Profile = "documents",
    FileName = BareRequest.SampleFileName,
    ContentType = BareRequest.SampleContentType,
    Size = BareRequest.SampleSize,
});
var fields = new Dictionary<string, string>(sample.Fields);
var headers = new Dictionary<string, string>(sample.Headers);
app.MapPost("/bare", (BareRequest body) => new BareGrant(
    sample.Method, sample.Url, fields, headers, sample.Key, body.Size is > 0 ? sample.ExpiresAt : default, sample.Token));

app.MapPost("/bare-issue", (BareRequest body, IUploadPolicyIssuer issuer, CancellationToken ct) => issuer.IssueAsync(
    new UploadRequest { Profile = "documents", FileName = body.FileName ?? "", ContentType = body.ContentType ?? "", Size = body.Size ?? 0, ContentMd5 = body.Md5 },
    ct));

// for the script: the bytes this process has allocated so far (bytes per request = the difference over a run / requests)
app.MapGet("/allocated", () => GC.GetTotalAllocatedBytes(precise: true));

// for the script's warm-up: the methods the JIT has compiled so far (every tier); it stops growing when tiering is done
app.MapGet("/jitted", () => System.Runtime.JitInfo.GetCompiledMethodCount());

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
Console.WriteLine($"listening on {address}");
await app.WaitForShutdownAsync();

/// <summary>The request body, read the way a minimal API reads one (the same members as the grant request).</summary>
internal sealed record BareRequest(string? FileName, string? ContentType, long? Size, string? Md5, Dictionary<string, string>? Metadata)
{
    public const string SampleFileName = "Quarterly Report 2024.pdf";
    public const string SampleContentType = "application/pdf";
    public const long SampleSize = 2_345_678;
}

/// <summary>A grant-shaped answer: the members <see cref="UploadGrant"/> serializes to.</summary>
internal sealed record BareGrant(
    string Method,
    string Url,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyDictionary<string, string> Headers,
    string Key,
    DateTimeOffset ExpiresAt,
    string Token);
