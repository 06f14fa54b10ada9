using System.Text;
using DirectUpload.BrokerTests.Infrastructure;
using RabbitMQ.Client;

namespace DirectUpload.BrokerTests;

/// <summary>The whole path with real parts: a browser-style PUT through a DirectUpload grant → Ceph RGW → persistent AMQP topic → RabbitMQ → worker processes (AddDirectUploadWorker).</summary>
public sealed class EndToEndTests(BrokerFixtureHolder holder) : IClassFixture<BrokerFixtureHolder>
{
    private readonly BrokerFixture _fixture = holder.Fixture;

    [Fact]
    public async Task Upload_ReachesTheWorkerThroughRGWAndRabbitMQAndIsAcked()
    {
        var lane = await _fixture.CreateLaneAsync("e2e");
        await using var worker = await WorkerProcess.StartAsync(lane, "w1");

        var key = await lane.UploadAsync("plain");

        await lane.WaitForAsync(() => lane.Records("processed").Any(r => r.Key == key), Waits.Event, $"{key} processed");
        lane.Records("processed").Should().ContainSingle().Which.Should().Be(("w1", key));

        // acked: nothing left in the queue, nothing dead-lettered
        await using var connection = await lane.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await lane.WaitForAsync(() => channel.MessageCountAsync(lane.Queue).GetAwaiter().GetResult() == 0, TimeSpan.FromSeconds(10), "an empty queue");
        (await channel.MessageCountAsync(lane.Queue + ".dead")).Should().Be(0);
    }

    [Fact]
    public async Task TwoWorkers_ShareTheLoadAndEachObjectIsProcessedExactlyOnce()
    {
        var lane = await _fixture.CreateLaneAsync("share");
        var slowish = new Dictionary<string, string> { ["WORKER_WORK_MS"] = "150", ["WORKER_PREFETCH"] = "2", ["WORKER_CONCURRENCY"] = "1" };
        await using var a = await WorkerProcess.StartAsync(lane, "a", slowish);
        await using var b = await WorkerProcess.StartAsync(lane, "b", slowish);

        var keys = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            keys.Add(await lane.UploadAsync("plain"));
        }

        await lane.WaitForAsync(() => lane.Records("processed").Select(r => r.Key).Distinct().Count() == keys.Count, Waits.Event, "every key processed");
        await Task.Delay(500); // a duplicate would show up now
        var processed = lane.Records("processed");
        processed.Select(r => r.Key).Should().BeEquivalentTo(keys, "each object is processed exactly once (no duplicates, none missing)");
        processed.Count(r => r.Worker == "a").Should().BePositive("worker a takes part");
        processed.Count(r => r.Worker == "b").Should().BePositive("worker b takes part");
    }
}
