using System.Text;
using DirectUpload.BrokerTests.Infrastructure;
using RabbitMQ.Client;

namespace DirectUpload.BrokerTests;

/// <summary>Failed handlers are retried through TTL retry queues, then dead-lettered to the real dead-letter exchange.</summary>
public sealed class RetryTests(BrokerFixtureHolder holder) : IClassFixture<BrokerFixtureHolder>
{
    private readonly BrokerFixture _fixture = holder.Fixture;

    [Fact]
    public async Task HandlerThatFailsTwiceThenSucceeds_IsRetriedThroughTheRetryQueue()
    {
        var lane = await _fixture.CreateLaneAsync("flaky");
        await using var worker = await WorkerProcess.StartAsync(lane, "w", new Dictionary<string, string> { ["WORKER_MAX_ATTEMPTS"] = "3", ["WORKER_RETRY_MS"] = "200" });

        var key = await lane.UploadAsync("flaky");

        await lane.WaitForAsync(() => lane.Records("processed").Any(r => r.Key == key), Waits.Event, "the third attempt processed");
        lane.Records("started").Count(r => r.Key == key).Should().Be(3);
        await using var connection = await lane.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        (await channel.MessageCountAsync(lane.Queue + ".dead")).Should().Be(0);
    }

    [Fact]
    public async Task HandlerThatAlwaysFails_IsDeadLetteredAfterMaxAttempts()
    {
        var lane = await _fixture.CreateLaneAsync("fail");
        await using var worker = await WorkerProcess.StartAsync(lane, "w", new Dictionary<string, string> { ["WORKER_MAX_ATTEMPTS"] = "3", ["WORKER_RETRY_MS"] = "200" });

        var key = await lane.UploadAsync("fail");

        var dead = await DeadLetters.ReadAsync(lane);
        dead.Headers["x-directupload-dead-letter-reason"].Should().Be("max-attempts");
        dead.Headers["x-directupload-attempt"].Should().Be("3");
        dead.Headers["x-directupload-error"].Should().Be(typeof(InvalidOperationException).FullName);
        S3EventNotification.Parse(dead.Body).Should().ContainSingle().Which.Key.Should().Be(key);
        lane.Records("started").Count(r => r.Key == key).Should().Be(3);
        lane.Records("processed").Should().BeEmpty();
    }
}
