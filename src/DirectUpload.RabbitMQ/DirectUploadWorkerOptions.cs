using System.ComponentModel.DataAnnotations;

namespace DirectUpload.RabbitMQ;

/// <summary>
/// Options of the DirectUpload broker worker (<c>services.AddDirectUploadWorker(...)</c>): where the broker is, which queue
/// to consume, how many messages may be in flight, and how failed messages are retried and dead-lettered.
/// </summary>
/// <remarks>
/// The worker declares its topology at start, idempotently: the durable topic exchange <see cref="ExchangeName"/> (the one
/// the store publishes to), the durable queue <see cref="QueueName"/> bound to it with <see cref="RoutingKey"/>, one retry
/// queue per distinct delay (<c>{QueueName}.retry.{milliseconds}ms</c>, with a message TTL and a dead-letter route back to
/// <see cref="QueueName"/>), and the dead-letter exchange <c>{QueueName}.dead-letter</c> (fanout) with its queue
/// <c>{QueueName}.dead</c>, which is also the main queue's <c>x-dead-letter-exchange</c>.
/// </remarks>
public class DirectUploadWorkerOptions
{
    /// <summary>Gets or sets the AMQP 0.9.1 URI of the broker, e.g. <c>amqp://user:password@127.0.0.1:5672/</c> (<c>amqps://</c> for TLS).</summary>
    /// <value>The broker URI. Required. The password in it is never logged.</value>
    [Required]
    public Uri? ConnectionUri { get; set; }

    /// <summary>Gets or sets the exchange the store publishes notifications to (RGW: the topic's <c>amqp-exchange</c>).</summary>
    /// <value>A durable topic exchange. The default value is <c>directupload.events</c>.</value>
    [Required]
    public string ExchangeName { get; set; } = "directupload.events";

    /// <summary>Gets or sets the queue the workers share (competing consumers).</summary>
    /// <value>A durable queue. The default value is <c>directupload.events.worker</c>.</value>
    [Required]
    public string QueueName { get; set; } = "directupload.events.worker";

    /// <summary>Gets or sets the binding key of <see cref="QueueName"/> on <see cref="ExchangeName"/> (RGW publishes with the topic name as routing key).</summary>
    /// <value>The default value is <c>#</c> (every topic).</value>
    [Required]
    public string RoutingKey { get; set; } = "#";

    /// <summary>Gets or sets how many unacknowledged messages the broker sends one worker at a time (the channel's QoS prefetch).</summary>
    /// <value>Between 1 and 1000. The default value is 16.</value>
    [Range(1, 1000)]
    public int PrefetchCount { get; set; } = 16;

    /// <summary>Gets or sets how many messages one worker handles at the same time (at most <see cref="PrefetchCount"/>).</summary>
    /// <value>Between 1 and 256. The default value is 4.</value>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how many times a message is handled before it is dead-lettered (the first delivery counts as 1).</summary>
    /// <value>Between 1 and 100. The default value is 5.</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the delay before the second attempt; each further attempt doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>Between 10 milliseconds and 1 day. The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the longest delay between two attempts.</summary>
    /// <value>Between 10 milliseconds and 1 day, and not below <see cref="InitialRetryDelay"/>. The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the largest message body accepted; a larger one is dead-lettered unread.</summary>
    /// <value>Between 1 KiB and 64 MiB. The default value is 1 MiB (an RGW notification is a few KiB).</value>
    [Range(1024L, 64L * 1024 * 1024)]
    public long MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how long to wait between two attempts to reach the broker (at start and after a connection loss).</summary>
    /// <value>Between 100 milliseconds and 5 minutes. The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets a value indicating whether the worker declares its exchange, queues and bindings at start.</summary>
    /// <value>Turn off when the topology is managed elsewhere and the worker's user may not configure. The default value is <see langword="true"/>.</value>
    public bool DeclareTopology { get; set; } = true;

    /// <summary>Gets or sets the client-provided connection name shown by the broker's tools.</summary>
    /// <value>The default value is <c>directupload-worker</c>.</value>
    public string ConnectionName { get; set; } = "directupload-worker";

    /// <summary>Gets the delay before attempt <paramref name="nextAttempt"/> (2 or more): <see cref="InitialRetryDelay"/> doubled per attempt, capped at <see cref="MaxRetryDelay"/>.</summary>
    /// <param name="nextAttempt">The attempt about to be scheduled, 2 or more.</param>
    /// <returns>The delay, rounded to whole milliseconds.</returns>
    public TimeSpan RetryDelayFor(int nextAttempt)
    {
        var exponent = Math.Clamp(nextAttempt - 2, 0, 30);
        var ms = Math.Min(InitialRetryDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Round(Math.Max(ms, 1)));
    }
}
