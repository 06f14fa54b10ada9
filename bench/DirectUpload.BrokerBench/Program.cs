using System.Diagnostics;
using System.Globalization;
using DirectUpload.BrokerTests.Infrastructure;
using DirectUpload.Sample;
using RabbitMQ.Client;
using SkiaSharp;

// Two handlers, each with 1 and 2 worker processes (tests/DirectUpload.BrokerTests.Worker):
//   trivial:    the test worker's recording processor only (the pipeline's own cost)
//   thumbnail:  the sample's catalog hook and PhotoThumbnailProcessor (SkiaSharp: GET the photo, decode, resize to 320 px,
//               JPEG-encode, PUT the thumbnail, update the SQLite catalog), then the recording processor; on real JPEG and
//               PNG photos of 2-4 MP made here (gradient + sensor-like noise, so that they compress like photos)
// Two measures per row:
//   drain:  N events already queued in RabbitMQ, then the workers start (in parallel): events/s from the first worker
//           consuming to the last event processed (pipeline: parse, HEAD + grant check, completion ledger writes in RGW,
//           processors, ack)
//   e2e:    workers running and one warm-up event through (a new RGW topic is served only after up to 30 s), then N
//           uploads (8 at a time): latency from the upload's 200 to the processor's record (p50/p95), and events/s over
//           the whole run (RGW push included)
// The 1-minute load average (as `uptime` prints it) is read before and after each row.
//
//   bench/broker-throughput.sh [N] [N_THUMBNAIL]     events per run (default 60) and per thumbnail run (default 40)
//   BENCH_HANDLERS=trivial|thumbnail|trivial,thumbnail   BENCH_ACK_LEVEL=broker|none
var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;
var nThumbnail = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
var ack = Environment.GetEnvironmentVariable("BENCH_ACK_LEVEL") ?? "broker";
var handlers = (Environment.GetEnvironmentVariable("BENCH_HANDLERS") ?? "trivial,thumbnail").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var photos = handlers.Contains("thumbnail") ? Photos.Make() : [];

var fixture = new BrokerFixture(privateParts: true);
await fixture.InitializeAsync();
try
{
    Console.WriteLine($"# broker bench: amqp-ack-level={ack}, {Environment.ProcessorCount} cores, load {Load()} at start");
    if (photos.Length > 0)
    {
        Console.WriteLine("# photos: " + string.Join(", ", photos.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Width}x{p.Height} {p.Body.Length / 1024.0 / 1024:0.0} MiB"))));
    }

    Console.WriteLine("| handler | workers | N | drain events/s | e2e events/s | e2e p50 ms | e2e p95 ms | load before → after |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var handler in handlers)
    {
        var count = handler == "thumbnail" ? nThumbnail : n;
        foreach (var workers in new[] { 1, 2 })
        {
            var before = Load();
            var run = new Run(fixture, handler, workers, count, ack, photos);
            var drain = await run.DrainAsync();
            var (rate, p50, p95) = await run.EndToEndAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {handler} | {workers} | {count} | {drain:0.0} | {rate:0.0} | {p50:0} | {p95:0} | {before} → {Load()} |"));
        }
    }
}
finally
{
    await fixture.DisposeAsync();
}

static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

/// <summary>One row of the table: a handler, a worker count, N events.</summary>
internal sealed class Run(BrokerFixture fixture, string handler, int workers, int n, string ack, Photo[] photos)
{
    private Dictionary<string, string> WorkerSettings() => new()
    {
        ["WORKER_PREFETCH"] = "16",
        ["WORKER_CONCURRENCY"] = "4",
        ["WORKER_HANDLER"] = handler,
    };

    public async Task<double> DrainAsync()
    {
        var lane = await fixture.CreateLaneAsync($"drain-{handler}-{workers}", ack);
        var declarer = await WorkerProcess.StartAsync(lane, "declarer", WorkerSettings());
        await declarer.StopAsync(TimeSpan.FromSeconds(30));
        await UploadManyAsync(lane);
        await using (var connection = await lane.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await lane.WaitForAsync(() => channel.MessageCountAsync(lane.Queue).GetAwaiter().GetResult() >= (uint)n, TimeSpan.FromMinutes(3), $"{n} events queued");
        }

        var starting = Enumerable.Range(0, workers).Select(i => WorkerProcess.StartAsync(lane, "w" + i, WorkerSettings())).ToList();
        await Task.WhenAny(starting);
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var started = await Task.WhenAll(starting);
        try
        {
            await lane.WaitForAsync(() => lane.Records("processed").Count >= n, TimeSpan.FromMinutes(5), "all processed");
            return n / ((ProcessedAt(lane).Values.Max() - t0) / 1000.0);
        }
        finally
        {
            await StopAsync(started); // also when RGW died: no worker process outlives the bench
        }
    }

    private static async Task StopAsync(WorkerProcess[] started)
    {
        foreach (var w in started)
        {
            await w.DisposeAsync();
        }
    }

    public async Task<(double Rate, double P50, double P95)> EndToEndAsync()
    {
        var lane = await fixture.CreateLaneAsync($"e2e-{handler}-{workers}", ack);
        var started = await Task.WhenAll(Enumerable.Range(0, workers).Select(i => WorkerProcess.StartAsync(lane, "w" + i, WorkerSettings())));
        try
        {
            return await MeasureEndToEndAsync(lane);
        }
        finally
        {
            await StopAsync(started);
        }
    }

    private async Task<(double Rate, double P50, double P95)> MeasureEndToEndAsync(Lane lane)
    {
        // warm-up: RGW 16.2 picks up a new persistent topic's queue only on its next queue-list pass (every 30 s), so the
        // first event of a new lane waits up to 30 s; one event through first, then the steady state is measured
        var warmUp = await lane.UploadAsync("plain");
        await lane.WaitForAsync(() => lane.Records("processed").Count >= 1, TimeSpan.FromMinutes(2), "the warm-up event");
        var t0 = DateTimeOffset.UtcNow;
        var uploaded = await UploadManyAsync(lane);
        await lane.WaitForAsync(() => lane.Records("processed").Count >= n + 1, TimeSpan.FromMinutes(5), "all processed");
        var processedAt = ProcessedAt(lane);
        processedAt.Remove(warmUp);
        if (handler == "thumbnail")
        {
            // the handler really ran: every photo has its thumbnail in S3 (a skipped processor would make the numbers lie)
            foreach (var (key, _) in uploaded)
            {
                await fixture.S3.GetObjectMetadataAsync(lane.Bucket, PhotoThumbnailProcessor.ThumbnailKeyOf(key));
            }
        }

        var latencies = uploaded.Select(u => (double)(processedAt[u.Key] - u.At)).Order().ToArray();
        var end = processedAt.Values.Max();
        return (n / ((end - t0.ToUnixTimeMilliseconds()) / 1000.0), Percentile(latencies, 0.5), Percentile(latencies, 0.95));
    }

    private static Dictionary<string, long> ProcessedAt(Lane lane)
    {
        var processedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(lane.StateDir, "processed-*.log"))
        {
            foreach (var line in File.ReadAllLines(file))
            {
                var parts = line.Split('\t');
                processedAt.TryAdd(parts[1], long.Parse(parts[3], CultureInfo.InvariantCulture));
            }
        }

        return processedAt;
    }

    private async Task<List<(string Key, long At)>> UploadManyAsync(Lane lane)
    {
        var result = new List<(string, long)>();
        using var gate = new SemaphoreSlim(8);
        var tasks = Enumerable.Range(0, n).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                string key;
                if (handler == "thumbnail")
                {
                    var photo = photos[i % photos.Length];
                    key = await lane.UploadAsync("photos", photo.Body, photo.Name, photo.ContentType);
                }
                else
                {
                    key = await lane.UploadAsync("plain");
                }

                lock (result)
                {
                    result.Add((key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        return result;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>A photo the bench uploads.</summary>
internal sealed record Photo(string Name, string ContentType, int Width, int Height, byte[] Body);

/// <summary>Real JPEG and PNG files of 2-4 MP, encoded by SkiaSharp: a colour gradient with per-pixel noise.</summary>
internal static class Photos
{
    public static Photo[] Make() =>
    [
        Make("a.jpg", SKEncodedImageFormat.Jpeg, 2048, 1536, 1), // 3.1 MP
        Make("b.png", SKEncodedImageFormat.Png, 1600, 1200, 2),  // 1.9 MP
        Make("c.jpg", SKEncodedImageFormat.Jpeg, 2448, 1632, 3), // 4.0 MP
        Make("d.png", SKEncodedImageFormat.Png, 1920, 1080, 4),  // 2.1 MP
    ];

    private static Photo Make(string name, SKEncodedImageFormat format, int width, int height, uint seed)
    {
        var pixels = new byte[width * height * 4];
        var x = seed * 2654435761u;
        for (var y = 0; y < height; y++)
        {
            for (var col = 0; col < width; col++)
            {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                var p = ((y * width) + col) * 4;
                pixels[p] = (byte)Math.Min(255, (col * 190 / width) + (int)(x & 63));
                pixels[p + 1] = (byte)Math.Min(255, (y * 190 / height) + (int)((x >> 6) & 63));
                pixels[p + 2] = (byte)Math.Min(255, 90 + (int)((x >> 12) & 63));
                pixels[p + 3] = 255;
            }
        }

        using var image = SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), pixels);
        using var data = image.Encode(format, 85);
        return new Photo(name, format == SKEncodedImageFormat.Png ? "image/png" : "image/jpeg", width, height, data.ToArray());
    }
}
