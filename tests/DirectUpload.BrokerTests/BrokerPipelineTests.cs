using System.Text;
using DirectUpload.BrokerTests.Infrastructure;
using RabbitMQ.Client;

namespace DirectUpload.BrokerTests;

/// <summary>
/// The whole path with real parts: a browser-style PUT through a DirectUpload grant → Ceph RGW → persistent AMQP topic →
/// RabbitMQ → worker processes (AddDirectUploadWorker) → the processing pipeline.
/// </summary>
[Collection(RealBroker.Name)]
public sealed class BrokerPipelineTests(BrokerFixture fixture)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Upload_reaches_the_worker_through_RGW_and_RabbitMQ_and_is_acked()
    {
        var lane = await fixture.CreateLaneAsync("e2e");
        await using var worker = await WorkerProcess.StartAsync(lane, "w1");

        var key = await lane.UploadAsync("plain");

        await lane.WaitForAsync(() => lane.Records("processed").Any(r => r.Key == key), EventTimeout, $"{key} processed");
        lane.Records("processed").Should().ContainSingle().Which.Should().Be(("w1", key));

        // acked: nothing left in the queue, nothing dead-lettered
        await using var connection = await lane.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await lane.WaitForAsync(() => channel.MessageCountAsync(lane.Queue).GetAwaiter().GetResult() == 0, TimeSpan.FromSeconds(10), "an empty queue");
        (await channel.MessageCountAsync(lane.Queue + ".dead")).Should().Be(0);
    }

    [Fact]
    public async Task Two_workers_share_the_load_and_each_object_is_processed_exactly_once()
    {
        var lane = await fixture.CreateLaneAsync("share");
        var slowish = new Dictionary<string, string> { ["WORKER_WORK_MS"] = "150", ["WORKER_PREFETCH"] = "2", ["WORKER_CONCURRENCY"] = "1" };
        await using var a = await WorkerProcess.StartAsync(lane, "a", slowish);
        await using var b = await WorkerProcess.StartAsync(lane, "b", slowish);

        var keys = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            keys.Add(await lane.UploadAsync("plain"));
        }

        await lane.WaitForAsync(() => lane.Records("processed").Select(r => r.Key).Distinct().Count() == keys.Count, EventTimeout, "every key processed");
        await Task.Delay(500); // a duplicate would show up now
        var processed = lane.Records("processed");
        processed.Select(r => r.Key).Should().BeEquivalentTo(keys, "each object is processed exactly once (no duplicates, none missing)");
        processed.Count(r => r.Worker == "a").Should().BePositive("worker a takes part");
        processed.Count(r => r.Worker == "b").Should().BePositive("worker b takes part");
    }

    [Fact]
    public async Task Worker_killed_mid_message_the_message_is_redelivered_and_processed()
    {
        var lane = await fixture.CreateLaneAsync("kill");
        var victim = await WorkerProcess.StartAsync(lane, "victim", new Dictionary<string, string> { ["WORKER_SLOW_MS"] = "60000" });
        var key = await lane.UploadAsync("slow");
        await lane.WaitForAsync(() => lane.Records("started").Any(r => r.Worker == "victim" && r.Key == key), EventTimeout, "the victim started the message");

        await victim.KillAsync(); // SIGKILL by PID, mid-message: never acked
        await victim.DisposeAsync();
        await using var survivor = await WorkerProcess.StartAsync(lane, "survivor", new Dictionary<string, string> { ["WORKER_SLOW_MS"] = "10" });

        await lane.WaitForAsync(() => lane.Records("processed").Any(r => r.Key == key), EventTimeout, "the redelivered message processed");
        lane.Records("processed").Should().ContainSingle().Which.Should().Be(("survivor", key));
    }

    [Fact]
    public async Task Handler_that_fails_twice_then_succeeds_is_retried_through_the_retry_queue()
    {
        var lane = await fixture.CreateLaneAsync("flaky");
        await using var worker = await WorkerProcess.StartAsync(lane, "w", new Dictionary<string, string> { ["WORKER_MAX_ATTEMPTS"] = "3", ["WORKER_RETRY_MS"] = "200" });

        var key = await lane.UploadAsync("flaky");

        await lane.WaitForAsync(() => lane.Records("processed").Any(r => r.Key == key), EventTimeout, "the third attempt processed");
        lane.Records("started").Count(r => r.Key == key).Should().Be(3);
        await using var connection = await lane.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        (await channel.MessageCountAsync(lane.Queue + ".dead")).Should().Be(0);
    }

    [Fact]
    public async Task Handler_that_always_fails_is_dead_lettered_after_max_attempts()
    {
        var lane = await fixture.CreateLaneAsync("fail");
        await using var worker = await WorkerProcess.StartAsync(lane, "w", new Dictionary<string, string> { ["WORKER_MAX_ATTEMPTS"] = "3", ["WORKER_RETRY_MS"] = "200" });

        var key = await lane.UploadAsync("fail");

        var dead = await ReadDeadLetterAsync(lane);
        dead.Headers["x-directupload-dead-letter-reason"].Should().Be("max-attempts");
        dead.Headers["x-directupload-attempt"].Should().Be("3");
        dead.Headers["x-directupload-error"].Should().Be(typeof(InvalidOperationException).FullName);
        S3EventNotification.Parse(dead.Body).Should().ContainSingle().Which.Key.Should().Be(key);
        lane.Records("started").Count(r => r.Key == key).Should().Be(3);
        lane.Records("processed").Should().BeEmpty();
    }

    [Fact]
    public async Task Poison_message_lands_in_the_dead_letter_queue_and_the_worker_goes_on()
    {
        var lane = await fixture.CreateLaneAsync("poison");
        await using var worker = await WorkerProcess.StartAsync(lane, "w");
        await using (var connection = await lane.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.BasicPublishAsync("directupload.events", lane.Topic, true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes("{\"Records\": not json"));
            await channel.BasicPublishAsync("directupload.events", lane.Topic, true, new BasicProperties { Persistent = true }, new byte[] { 0xC3, 0x28, 0xFF });
        }

        var first = await ReadDeadLetterAsync(lane);
        var second = await ReadDeadLetterAsync(lane);
        new[] { first.Headers["x-directupload-dead-letter-reason"], second.Headers["x-directupload-dead-letter-reason"] }
            .Should().BeEquivalentTo(["malformed", "not-utf8"]);

        // the worker is still consuming
        var key = await lane.UploadAsync("plain");
        await lane.WaitForAsync(() => lane.Records("processed").Any(r => r.Key == key), EventTimeout, $"{key} processed after the poison");
        worker.HasExited.Should().BeFalse();
    }

    [Fact]
    public async Task Graceful_shutdown_finishes_the_message_in_flight()
    {
        var lane = await fixture.CreateLaneAsync("drain");
        var worker = await WorkerProcess.StartAsync(lane, "w", new Dictionary<string, string> { ["WORKER_SLOW_MS"] = "1500", ["WORKER_SHUTDOWN_S"] = "20" });
        await using var _ = worker;
        var key = await lane.UploadAsync("slow");
        await lane.WaitForAsync(() => lane.Records("started").Any(r => r.Key == key), EventTimeout, "the message started");

        await worker.StopAsync(TimeSpan.FromSeconds(30)); // SIGTERM while the handler still runs

        lane.Records("processed").Should().ContainSingle().Which.Key.Should().Be(key, "the in-flight message finished before the worker exited");
        await using var connection = await lane.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        (await channel.MessageCountAsync(lane.Queue)).Should().Be(0, "it was acked, not returned");
    }

    internal static async Task<(string Body, Dictionary<string, string> Headers)> ReadDeadLetterAsync(Lane lane)
    {
        await using var connection = await lane.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var deadline = DateTime.UtcNow + EventTimeout;
        while (true)
        {
            var got = await channel.BasicGetAsync(lane.Queue + ".dead", autoAck: true);
            if (got is not null)
            {
                var headers = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (name, value) in got.BasicProperties.Headers ?? new Dictionary<string, object?>())
                {
                    headers[name] = value switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
                    };
                }

                return (Encoding.UTF8.GetString(got.Body.Span), headers);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"nothing arrived in {lane.Queue}.dead within {EventTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(100);
        }
    }
}
