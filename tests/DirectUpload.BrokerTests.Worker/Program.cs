using System.Globalization;
using Amazon.S3;
using DirectUpload;
using DirectUpload.BrokerTests.Worker;
using DirectUpload.Sample;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Environment:
//   DIRECTUPLOAD_S3_ENDPOINT/_ACCESS_KEY/_SECRET_KEY/_BUCKET/_REGION   the store (as for the integration tests)
//   DIRECTUPLOAD_TOKEN_KEY        the token signing key of the "web host" (the test)
//   (profiles: BrokerTestProfiles, the same in the tests)
//   DIRECTUPLOAD_RABBITMQ_URI     amqp://… ; WORKER_QUEUE (queue name); WORKER_EXCHANGE; WORKER_ROUTING_KEY
//   WORKER_ID                     name written into the record files; WORKER_STATE_DIR where they go
//   WORKER_MAX_ATTEMPTS, WORKER_RETRY_MS, WORKER_PREFETCH, WORKER_CONCURRENCY
//   WORKER_SLOW_MS                how long a key under slow/ takes (default 0)
//   WORKER_WORK_MS                how long every other key takes (default 0)
//   WORKER_HANDLER                trivial (default) | thumbnail: the sample's catalog (completion hook) and its
//                                 PhotoThumbnailProcessor (SkiaSharp) run for photos/ keys before the recording processor,
//                                 with the catalog in WORKER_STATE_DIR (shared by the lane's workers, as in the sample)
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
builder.Logging.SetMinimumLevel(LogLevel.Information);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(Int("WORKER_SHUTDOWN_S", 10)));

var s3 = RgwS3.Client(
    Env("DIRECTUPLOAD_S3_ACCESS_KEY"),
    Env("DIRECTUPLOAD_S3_SECRET_KEY"),
    Env("DIRECTUPLOAD_S3_ENDPOINT"),
    Environment.GetEnvironmentVariable("DIRECTUPLOAD_S3_REGION") ?? RgwS3.DefaultRegion);
builder.Services.AddSingleton<IAmazonS3>(s3);
builder.Services.AddDirectUploads(o =>
{
    o.BucketName = Env("DIRECTUPLOAD_S3_BUCKET");
    o.TokenSigningKey = Env("DIRECTUPLOAD_TOKEN_KEY");

    // one processing attempt per delivery: the broker worker's own retries (retry queues) are what the tests count
    o.Events.ProcessingRetryDelays.Clear();
}).AddBrokerTestProfiles();

var recorder = new Recorder(
    Env("WORKER_STATE_DIR"),
    Env("WORKER_ID"),
    TimeSpan.FromMilliseconds(Int("WORKER_SLOW_MS", 0)),
    TimeSpan.FromMilliseconds(Int("WORKER_WORK_MS", 0)));
builder.Services.AddSingleton(recorder);
if (Environment.GetEnvironmentVariable("WORKER_HANDLER") is "thumbnail")
{
    // the sample's real processing, registered as the sample registers it; processors run in registration order, so
    // "processed" is recorded once the thumbnail is in S3 and in the catalog
    var catalog = UploadCatalog.Create("Data Source=" + Path.Combine(Env("WORKER_STATE_DIR"), "catalog.db"), Env("WORKER_STATE_DIR"));
    catalog.EnsureCreated();
    builder.Services.AddSingleton(catalog);
    builder.Services.AddSingleton<IUploadCompletedHandler, CatalogUploadCompletedHandler>();
    builder.Services.AddSampleProcessing();
}

builder.Services.AddSingleton<IUploadProcessor, RecordingProcessor>();

builder.Services.AddDirectUploadWorker(o =>
{
    o.ConnectionUri = new Uri(Env("DIRECTUPLOAD_RABBITMQ_URI"));
    o.QueueName = Env("WORKER_QUEUE");
    o.RoutingKey = Environment.GetEnvironmentVariable("WORKER_ROUTING_KEY") ?? "#";
    o.ExchangeName = Environment.GetEnvironmentVariable("WORKER_EXCHANGE") ?? "directupload.events";
    o.MaxAttempts = Int("WORKER_MAX_ATTEMPTS", 3);
    o.InitialRetryDelay = TimeSpan.FromMilliseconds(Int("WORKER_RETRY_MS", 200));
    o.MaxRetryDelay = TimeSpan.FromMilliseconds(Int("WORKER_RETRY_MS", 200) * 4);
    o.PrefetchCount = Int("WORKER_PREFETCH", 8);
    o.MaxConcurrency = Int("WORKER_CONCURRENCY", 4);
    o.ReconnectDelay = TimeSpan.FromMilliseconds(500);
    o.ConnectionName = "directupload-test-worker-" + Env("WORKER_ID");
});

await builder.Build().RunAsync();

static string Env(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : throw new InvalidOperationException($"Set {name}.");

static int Int(string name, int fallback) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
