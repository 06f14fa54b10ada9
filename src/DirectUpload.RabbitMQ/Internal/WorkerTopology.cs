using System.Globalization;
using RabbitMQ.Client;

namespace DirectUpload.RabbitMQ.Internal;

/// <summary>The names and declarations of the worker's exchanges and queues, derived from <see cref="DirectUploadWorkerOptions"/>.</summary>
internal sealed class WorkerTopology
{
    /// <summary>The header holding the attempt a (re)published message is on (the broker's first delivery has none: attempt 1).</summary>
    public const string AttemptHeader = "x-directupload-attempt";

    /// <summary>The header naming why a message was dead-lettered.</summary>
    public const string ReasonHeader = "x-directupload-dead-letter-reason";

    /// <summary>The header naming the exception type of the last failure.</summary>
    public const string ErrorHeader = "x-directupload-error";

    private readonly DirectUploadWorkerOptions _options;

    public WorkerTopology(DirectUploadWorkerOptions options)
    {
        _options = options;
        DeadLetterExchange = options.QueueName + ".dead-letter";
        DeadLetterQueue = options.QueueName + ".dead";
    }

    public string Queue => _options.QueueName;

    public string DeadLetterExchange { get; }

    public string DeadLetterQueue { get; }

    /// <summary>The retry queue for attempt <paramref name="nextAttempt"/>: one queue per distinct delay, so messages of one queue all wait equally long (no head-of-line blocking of per-message TTLs).</summary>
    public string RetryQueueFor(int nextAttempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{_options.QueueName}.retry.{(long)_options.RetryDelayFor(nextAttempt).TotalMilliseconds}ms");

    /// <summary>Declares everything, idempotently (a second worker declaring the same is a no-op).</summary>
    public async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(_options.ExchangeName, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);

        var main = new Dictionary<string, object?> { ["x-dead-letter-exchange"] = DeadLetterExchange };
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, arguments: main, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(Queue, _options.ExchangeName, _options.RoutingKey, cancellationToken: cancellationToken).ConfigureAwait(false);

        var declared = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 2; attempt <= _options.MaxAttempts; attempt++)
        {
            var name = RetryQueueFor(attempt);
            if (!declared.Add(name))
            {
                continue;
            }

            // a parked message expires after the delay and is dead-lettered by the broker back onto the main queue
            var retry = new Dictionary<string, object?>
            {
                ["x-message-ttl"] = (long)_options.RetryDelayFor(attempt).TotalMilliseconds,
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = Queue,
            };
            await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: retry, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
