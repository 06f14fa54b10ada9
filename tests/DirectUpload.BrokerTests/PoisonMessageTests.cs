using System.Text;
using DirectUpload.BrokerTests.Infrastructure;
using RabbitMQ.Client;

namespace DirectUpload.BrokerTests;

/// <summary>Messages no retry can fix go straight to the dead-letter exchange.</summary>
public sealed class PoisonMessageTests(BrokerFixtureHolder holder) : IClassFixture<BrokerFixtureHolder>
{
    private readonly BrokerFixture _fixture = holder.Fixture;

    [Fact]
    public async Task PoisonMessage_LandsInTheDeadLetterQueueAndTheWorkerGoesOn()
    {
        var lane = await _fixture.CreateLaneAsync("poison");
        await using var worker = await WorkerProcess.StartAsync(lane, "w");
        await using (var connection = await lane.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.BasicPublishAsync("directupload.events", lane.Topic, true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes("{\"Records\": not json"));
            await channel.BasicPublishAsync("directupload.events", lane.Topic, true, new BasicProperties { Persistent = true }, new byte[] { 0xC3, 0x28, 0xFF });
        }

        var first = await DeadLetters.ReadAsync(lane);
        var second = await DeadLetters.ReadAsync(lane);
        new[] { first.Headers["x-directupload-dead-letter-reason"], second.Headers["x-directupload-dead-letter-reason"] }
            .Should().BeEquivalentTo(["malformed", "not-utf8"]);

        // the worker is still consuming
        var key = await lane.UploadAsync("plain");
        await lane.WaitForAsync(() => lane.Records("processed").Any(r => r.Key == key), Waits.Event, $"{key} processed after the poison");
        worker.HasExited.Should().BeFalse();
    }
}
