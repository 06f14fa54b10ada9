using System.Diagnostics;
using System.Globalization;
using DirectUpload.BrokerTests.Infrastructure;
using RabbitMQ.Client;

// Two measures per worker count (1, 2), trivial handler (the test worker's recording processor):
//   drain:  N events already queued in RabbitMQ, then the workers start: events/s of the worker stage alone
//           (pipeline: parse, HEAD + grant check, completion ledger writes in RGW, processor, ack)
//   e2e:    workers running, N uploads (8 at a time): latency from the upload's 200 to the processor's record (p50/p95),
//           and events/s over the whole run (RGW push included)
var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;
var ack = Environment.GetEnvironmentVariable("BENCH_ACK_LEVEL") ?? "broker";
var fixture = new BrokerFixture(privateParts: true);
await fixture.InitializeAsync();
try
{
    Console.WriteLine($"# broker bench: N={n} events per run, amqp-ack-level={ack}, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    Console.WriteLine("| workers | drain events/s | e2e events/s | e2e p50 ms | e2e p95 ms |");
    Console.WriteLine("|---|---|---|---|---|");
    foreach (var workers in new[] { 1, 2 })
    {
        var drain = await DrainAsync(fixture, workers, n, ack);
        var (rate, p50, p95) = await EndToEndAsync(fixture, workers, n, ack);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {workers} | {drain:0.0} | {rate:0.0} | {p50:0} | {p95:0} |"));
    }
}
finally
{
    await fixture.DisposeAsync();
}

static Dictionary<string, string> WorkerSettings() => new() { ["WORKER_PREFETCH"] = "16", ["WORKER_CONCURRENCY"] = "4" };

static async Task<double> DrainAsync(BrokerFixture fixture, int workers, int n, string ack)
{
    var lane = await fixture.CreateLaneAsync("drain" + workers, ack);
    var declarer = await WorkerProcess.StartAsync(lane, "declarer", WorkerSettings());
    await declarer.StopAsync(TimeSpan.FromSeconds(30));
    await UploadManyAsync(lane, n);
    await using (var connection = await lane.ConnectAsync())
    await using (var channel = await connection.CreateChannelAsync())
    {
        await lane.WaitForAsync(() => channel.MessageCountAsync(lane.Queue).GetAwaiter().GetResult() >= (uint)n, TimeSpan.FromMinutes(3), $"{n} events queued");
    }

    var sw = Stopwatch.StartNew();
    var started = new List<WorkerProcess>();
    for (var i = 0; i < workers; i++)
    {
        started.Add(await WorkerProcess.StartAsync(lane, "w" + i, WorkerSettings()));
    }

    await lane.WaitForAsync(() => lane.Records("processed").Count >= n, TimeSpan.FromMinutes(3), "all processed");
    var last = lane.Records("processed").Count;
    var seconds = sw.Elapsed.TotalSeconds;
    foreach (var w in started)
    {
        await w.DisposeAsync();
    }

    return last / seconds;
}

static async Task<(double Rate, double P50, double P95)> EndToEndAsync(BrokerFixture fixture, int workers, int n, string ack)
{
    var lane = await fixture.CreateLaneAsync("e2e" + workers, ack);
    var started = new List<WorkerProcess>();
    for (var i = 0; i < workers; i++)
    {
        started.Add(await WorkerProcess.StartAsync(lane, "w" + i, WorkerSettings()));
    }

    var t0 = DateTimeOffset.UtcNow;
    var uploaded = await UploadManyAsync(lane, n);
    await lane.WaitForAsync(() => lane.Records("processed").Count >= n, TimeSpan.FromMinutes(3), "all processed");
    var processedAt = new Dictionary<string, long>(StringComparer.Ordinal);
    foreach (var file in Directory.EnumerateFiles(lane.StateDir, "processed-*.log"))
    {
        foreach (var line in File.ReadAllLines(file))
        {
            var parts = line.Split('\t');
            processedAt.TryAdd(parts[1], long.Parse(parts[3], CultureInfo.InvariantCulture));
        }
    }

    var latencies = uploaded.Select(u => (double)(processedAt[u.Key] - u.At)).Order().ToArray();
    var end = processedAt.Values.Max();
    foreach (var w in started)
    {
        await w.DisposeAsync();
    }

    return (n / ((end - t0.ToUnixTimeMilliseconds()) / 1000.0), Percentile(latencies, 0.5), Percentile(latencies, 0.95));
}

static async Task<List<(string Key, long At)>> UploadManyAsync(Lane lane, int n)
{
    var result = new List<(string, long)>();
    using var gate = new SemaphoreSlim(8);
    var tasks = Enumerable.Range(0, n).Select(async _ =>
    {
        await gate.WaitAsync();
        try
        {
            var key = await lane.UploadAsync("plain");
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

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
