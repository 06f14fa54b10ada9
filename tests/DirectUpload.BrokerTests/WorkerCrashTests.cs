using System.Text;
using DirectUpload.BrokerTests.Infrastructure;
using RabbitMQ.Client;

namespace DirectUpload.BrokerTests;

/// <summary>Workers that die or stop while a message is in flight (separate processes, by PID).</summary>
public sealed class WorkerCrashTests(BrokerFixtureHolder holder) : IClassFixture<BrokerFixtureHolder>
{
    private readonly BrokerFixture _fixture = holder.Fixture;

    [Fact]
    public async Task WorkerKilledMidMessage_TheMessageIsRedeliveredAndProcessed()
    {
        var lane = await _fixture.CreateLaneAsync("kill");
        var victim = await WorkerProcess.StartAsync(lane, "victim", new Dictionary<string, string> { ["WORKER_SLOW_MS"] = "60000" });
        var key = await lane.UploadAsync("slow");
        await lane.WaitForAsync(() => lane.Records("started").Any(r => r.Worker == "victim" && r.Key == key), Waits.Event, "the victim started the message");

        await victim.KillAsync(); // SIGKILL by PID, mid-message: never acked
        await victim.DisposeAsync();
        await using var survivor = await WorkerProcess.StartAsync(lane, "survivor", new Dictionary<string, string> { ["WORKER_SLOW_MS"] = "10" });

        await lane.WaitForAsync(() => lane.Records("processed").Any(r => r.Key == key), Waits.Event, "the redelivered message processed");
        lane.Records("processed").Should().ContainSingle().Which.Should().Be(("survivor", key));
    }

    [Fact]
    public async Task GracefulShutdown_FinishesTheMessageInFlight()
    {
        var lane = await _fixture.CreateLaneAsync("drain");
        var worker = await WorkerProcess.StartAsync(lane, "w", new Dictionary<string, string> { ["WORKER_SLOW_MS"] = "1500", ["WORKER_SHUTDOWN_S"] = "20" });
        await using var _ = worker;
        var key = await lane.UploadAsync("slow");
        await lane.WaitForAsync(() => lane.Records("started").Any(r => r.Key == key), Waits.Event, "the message started");

        await worker.StopAsync(TimeSpan.FromSeconds(30)); // SIGTERM while the handler still runs

        lane.Records("processed").Should().ContainSingle().Which.Key.Should().Be(key, "the in-flight message finished before the worker exited");
        await using var connection = await lane.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        (await channel.MessageCountAsync(lane.Queue)).Should().Be(0, "it was acked, not returned");
    }
}
