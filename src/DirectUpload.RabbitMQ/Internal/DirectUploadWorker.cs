using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace DirectUpload.RabbitMQ.Internal;

/// <summary>
/// Consumes the notification queue and runs every message through <see cref="IS3EventDispatcher"/> (one DI scope per
/// message). A message is acknowledged only after the dispatcher returned; a failure republishes it, with its attempt
/// number, to a TTL retry queue that dead-letters it back (so the count survives restarts); the last failed attempt, and a
/// message that can never succeed (not UTF-8, too large, not a notification), go to the dead-letter exchange.
/// </summary>
internal sealed class DirectUploadWorker : BackgroundService
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IServiceScopeFactory _scopes;
    private readonly DirectUploadWorkerOptions _options;
    private readonly WorkerTopology _topology;
    private readonly WorkerTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _handlerCts = new();
    private IConnection? _connection;
    private IChannel? _consumeChannel;
    private IChannel? _publishChannel;
    private string? _consumerTag;
    private int _inFlight;
    private int _returned;
    private volatile bool _stopping;

    public DirectUploadWorker(IServiceScopeFactory scopes, IOptions<DirectUploadWorkerOptions> options, WorkerTelemetry telemetry, ILoggerFactory loggerFactory)
    {
        _scopes = scopes;
        _options = options.Value;
        _topology = new WorkerTopology(_options);
        _telemetry = telemetry;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var uri = _options.ConnectionUri!;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StartAsync(uri, stoppingToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
            {
                Log.ConnectFailed(_logger, uri.Host, uri.Port, e.GetType().Name, _options.ReconnectDelay, e);
                await CloseAsync().ConfigureAwait(false);
                try
                {
                    await Task.Delay(_options.ReconnectDelay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var inFlight = Volatile.Read(ref _inFlight);
        Log.Stopping(_logger, inFlight);
        var channel = _consumeChannel;
        if (channel is { IsOpen: true } && _consumerTag is { } tag)
        {
            try
            {
                // no new deliveries; what is prefetched but not started is returned when the channel closes
                await channel.BasicCancelAsync(tag, noWait: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException or OperationCanceledException)
            {
                Log.SettleFailed(_logger, "cancel consumer", e.GetType().Name, e);
            }
        }

        // let in-flight messages finish until the host's shutdown timeout; then cancel them (they are nacked with requeue)
        try
        {
            while (Volatile.Read(ref _inFlight) > 0)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            await _handlerCts.CancelAsync().ConfigureAwait(false);
            var deadline = Stopwatch.StartNew();
            while (Volatile.Read(ref _inFlight) > 0 && deadline.Elapsed < TimeSpan.FromSeconds(2))
            {
                await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
            }
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
        var returned = Volatile.Read(ref _returned);
        Log.Stopped(_logger, returned);
    }

    public override void Dispose()
    {
        _handlerCts.Dispose();
        base.Dispose();
    }

    private async Task StartAsync(Uri uri, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = uri,
            ClientProvidedName = _options.ConnectionName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = _options.ReconnectDelay,
            RequestedHeartbeat = TimeSpan.FromSeconds(30),
        };
        _connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        _connection.ConnectionShutdownAsync += (_, e) =>
        {
            if (!_stopping)
            {
                Log.ConnectionLost(_logger, e.Initiator.ToString(), e.ReplyCode);
            }

            return Task.CompletedTask;
        };
        _connection.RecoverySucceededAsync += (_, _) =>
        {
            Log.Recovered(_logger);
            return Task.CompletedTask;
        };

        _publishChannel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
        if (_options.DeclareTopology)
        {
            await _topology.DeclareAsync(_publishChannel, cancellationToken).ConfigureAwait(false);
        }

        _consumeChannel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(false, false, consumerDispatchConcurrency: (ushort)_options.MaxConcurrency), cancellationToken).ConfigureAwait(false);
        await _consumeChannel.BasicQosAsync(0, (ushort)_options.PrefetchCount, global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_consumeChannel);
        consumer.ReceivedAsync += OnReceivedAsync;
        _consumerTag = await _consumeChannel.BasicConsumeAsync(_options.QueueName, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
        Log.Connected(_logger, _options.QueueName, uri.Host, uri.Port, _options.PrefetchCount, _options.MaxConcurrency, _options.MaxAttempts);
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        var channel = ((AsyncEventingBasicConsumer)sender).Channel;
        Interlocked.Increment(ref _inFlight);
        _telemetry.Started();
        var started = Stopwatch.GetTimestamp();
        var attempt = AttemptOf(delivery.BasicProperties);
        try
        {
            if (_stopping)
            {
                await SettleAsync(channel, delivery, Settle.Return, "worker stopping").ConfigureAwait(false);
                return;
            }

            string json;
            if (delivery.Body.Length > _options.MaxMessageBytes)
            {
                await DeadLetterAsync(channel, delivery, attempt, "too-large", null, started).ConfigureAwait(false);
                return;
            }

            try
            {
                json = StrictUtf8.GetString(delivery.Body.Span);
            }
            catch (DecoderFallbackException e)
            {
                await DeadLetterAsync(channel, delivery, attempt, "not-utf8", e, started).ConfigureAwait(false);
                return;
            }

            int records;
            try
            {
                var scope = _scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var dispatcher = scope.ServiceProvider.GetRequiredService<IS3EventDispatcher>();
                    records = await dispatcher.DispatchAsync(json, _handlerCts.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_handlerCts.IsCancellationRequested)
            {
                await SettleAsync(channel, delivery, Settle.Return, "shutdown timeout").ConfigureAwait(false);
                _telemetry.Record(WorkerTelemetry.OutcomeReturned, Stopwatch.GetElapsedTime(started).TotalSeconds);
                return;
            }
            catch (FormatException e)
            {
                // not an S3 event notification: no retry can fix it
                await DeadLetterAsync(channel, delivery, attempt, "malformed", e, started).ConfigureAwait(false);
                return;
            }
#pragma warning disable CA1031 // any failure of the pipeline is retried, then dead-lettered; none may kill the consumer
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (attempt >= _options.MaxAttempts)
                {
                    await DeadLetterAsync(channel, delivery, attempt, "max-attempts", e, started).ConfigureAwait(false);
                }
                else
                {
                    await RetryAsync(channel, delivery, attempt, e, started).ConfigureAwait(false);
                }

                return;
            }

            if (await SettleAsync(channel, delivery, Settle.Ack, null).ConfigureAwait(false))
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                _telemetry.Record(WorkerTelemetry.OutcomeProcessed, elapsed.TotalSeconds);
                Log.Processed(_logger, records, attempt, elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            _telemetry.Ended();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RetryAsync(IChannel channel, BasicDeliverEventArgs delivery, int attempt, Exception error, long started)
    {
        var next = attempt + 1;
        var queue = _topology.RetryQueueFor(next);
        if (await PublishCopyAsync(string.Empty, queue, delivery, next, null, error).ConfigureAwait(false))
        {
            // the copy is safely parked (publisher confirm): now drop the original
            await SettleAsync(channel, delivery, Settle.Ack, null).ConfigureAwait(false);
            _telemetry.Record(WorkerTelemetry.OutcomeRetried, Stopwatch.GetElapsedTime(started).TotalSeconds);
            Log.RetryScheduled(_logger, attempt, _options.MaxAttempts, error.GetType().Name, _options.RetryDelayFor(next), error);
        }
        else
        {
            await SettleAsync(channel, delivery, Settle.Return, "retry queue unavailable").ConfigureAwait(false);
        }
    }

    private async Task DeadLetterAsync(IChannel channel, BasicDeliverEventArgs delivery, int attempt, string reason, Exception? error, long started)
    {
        // publish with headers saying why (confirmed), then ack; if that fails, reject without requeue so the main
        // queue's x-dead-letter-exchange still moves it to the same dead-letter queue
        var published = await PublishCopyAsync(_topology.DeadLetterExchange, string.Empty, delivery, attempt, reason, error).ConfigureAwait(false);
        var settled = await SettleAsync(channel, delivery, published ? Settle.Ack : Settle.Reject, null).ConfigureAwait(false);
        if (settled)
        {
            _telemetry.Record(WorkerTelemetry.OutcomeDeadLettered, Stopwatch.GetElapsedTime(started).TotalSeconds);
            Log.DeadLettered(_logger, _topology.DeadLetterQueue, attempt, reason, error?.GetType().Name ?? "none", error);
        }
    }

    private async Task<bool> PublishCopyAsync(string exchange, string routingKey, BasicDeliverEventArgs delivery, int attempt, string? reason, Exception? error)
    {
        var publish = _publishChannel;
        if (publish is null)
        {
            return false;
        }

        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (delivery.BasicProperties.Headers is { } original)
        {
            foreach (var (name, value) in original)
            {
                headers[name] = value;
            }
        }

        headers[WorkerTopology.AttemptHeader] = attempt;
        if (reason is not null)
        {
            headers[WorkerTopology.ReasonHeader] = reason;
        }

        if (error is not null)
        {
            headers[WorkerTopology.ErrorHeader] = error.GetType().FullName ?? error.GetType().Name;
        }

        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = delivery.BasicProperties.ContentType,
            MessageId = delivery.BasicProperties.MessageId,
            Timestamp = delivery.BasicProperties.Timestamp,
            Headers = headers,
        };
        try
        {
            await publish.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, delivery.Body, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is PublishException or OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
        {
            Log.SettleFailed(_logger, exchange.Length == 0 ? "publish to " + routingKey : "publish to " + exchange, e.GetType().Name, e);
            return false;
        }
    }

    private async Task<bool> SettleAsync(IChannel channel, BasicDeliverEventArgs delivery, Settle how, string? reason)
    {
        try
        {
            switch (how)
            {
                case Settle.Ack:
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None).ConfigureAwait(false);
                    break;
                case Settle.Reject:
                    await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, CancellationToken.None).ConfigureAwait(false);
                    break;
                default:
                    await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Increment(ref _returned);
                    Log.Returned(_logger, reason ?? "returned");
                    break;
            }

            return true;
        }
        catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
        {
            // the channel is gone: the broker redelivers the message to a live consumer
            Log.SettleFailed(_logger, how.ToString(), e.GetType().Name, e);
            return false;
        }
    }

    private static int AttemptOf(IReadOnlyBasicProperties properties)
    {
        if (properties.Headers is not { } headers || !headers.TryGetValue(WorkerTopology.AttemptHeader, out var value))
        {
            return 1;
        }

        var attempt = value switch
        {
            int i => (long)i,
            long l => l,
            short s => s,
            byte b => b,
            byte[] bytes when long.TryParse(Encoding.ASCII.GetString(bytes), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) => p,
            _ => 1,
        };
        return (int)Math.Clamp(attempt, 1, 1000);
    }

    private async Task CloseAsync()
    {
        foreach (var channel in new[] { _consumeChannel, _publishChannel })
        {
            if (channel is null)
            {
                continue;
            }

            try
            {
                await channel.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException or ObjectDisposedException)
            {
                // closing a channel of a lost connection: nothing to do
            }

            channel.Dispose();
        }

        _consumeChannel = null;
        _publishChannel = null;
        if (_connection is { } connection)
        {
            try
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException or ObjectDisposedException)
            {
                // already closed
            }

            connection.Dispose();
            _connection = null;
        }
    }

    private enum Settle
    {
        Ack,
        Reject,
        Return,
    }
}
