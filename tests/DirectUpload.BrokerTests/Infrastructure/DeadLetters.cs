using System.Text;
using RabbitMQ.Client;

namespace DirectUpload.BrokerTests.Infrastructure;

/// <summary>How long the tests wait for an event to travel RGW → RabbitMQ → worker.</summary>
public static class Waits
{
    public static readonly TimeSpan Event = TimeSpan.FromSeconds(45);
}

/// <summary>Reads the dead-letter queue of a lane.</summary>
public static class DeadLetters
{
    public static async Task<(string Body, Dictionary<string, string> Headers)> ReadAsync(Lane lane)
    {
        await using var connection = await lane.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var deadline = DateTime.UtcNow + Waits.Event;
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
                throw new TimeoutException($"nothing arrived in {lane.Queue}.dead within {Waits.Event.TotalSeconds:0} s");
            }

            await Task.Delay(100);
        }
    }
}
