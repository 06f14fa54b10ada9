using DirectUpload.RabbitMQ;
using DirectUpload.RabbitMQ.Internal;
using DirectUpload.Tests.PublicApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DirectUpload.Tests.RabbitMQ;

/// <summary>The broker worker's options (validated at startup), its retry schedule, topology names and public API.</summary>
public class DirectUploadWorkerOptionsTests
{
    [Fact]
    public void PublicApi_DirectUploadRabbitMQAssembly_MatchesTheApprovedFile() =>
        PublicApiApprovalTests.VerifyApproved(typeof(DirectUploadWorkerOptions).Assembly, "DirectUpload.RabbitMQ.approved.txt", "DirectUpload.RabbitMQ.received.txt");

    [Fact]
    public void Defaults_AreValidOnceTheUriIsSet()
    {
        Validate(o => o.ConnectionUri = new Uri("amqp://u:p@127.0.0.1:5672/")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("http://127.0.0.1:5672/", "ConnectionUri")]
    [InlineData(null, "ConnectionUri")]
    public void ConnectionUri_MustBeAmqp(string? uri, string member)
    {
        Validate(o => o.ConnectionUri = uri is null ? null : new Uri(uri)).Should().Contain(f => f.Contains(member, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("queue with space")]
    [InlineData("q\u00e9")]
    [InlineData("q/../x")]
    [InlineData("")]
    public void QueueNames_AreParsedStrictly(string queue)
    {
        Validate(o => { o.ConnectionUri = new Uri("amqp://127.0.0.1/"); o.QueueName = queue; })
            .Should().Contain(f => f.Contains("QueueName", StringComparison.Ordinal));
    }

    [Fact]
    public void ReservedExchangeAndCrossFieldRules_AreRefused()
    {
        var failures = Validate(o =>
        {
            o.ConnectionUri = new Uri("amqp://127.0.0.1/");
            o.ExchangeName = "amq.topic";
            o.PrefetchCount = 2;
            o.MaxConcurrency = 4;
            o.InitialRetryDelay = TimeSpan.FromMinutes(10);
            o.MaxRetryDelay = TimeSpan.FromMinutes(1);
        });
        failures.Should().Contain(f => f.Contains("amq.*", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("MaxConcurrency (4)", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("MaxRetryDelay", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Prefetch_IsBounded(int prefetch)
    {
        Validate(o => { o.ConnectionUri = new Uri("amqp://127.0.0.1/"); o.PrefetchCount = prefetch; o.MaxConcurrency = 1; })
            .Should().Contain(f => f.Contains("PrefetchCount", StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidOptions_FailAtStartup()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDirectUploadWorker(o => o.ConnectionUri = new Uri("http://not-amqp/"));
        using var provider = services.BuildServiceProvider();
        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();
        act.Should().Throw<OptionsValidationException>().WithMessage("*ConnectionUri*");
        services.Count(d => d.ServiceType == typeof(IHostedService)).Should().Be(1);
    }

    [Fact]
    public void AddingTheWorkerTwice_RegistersOneHostedService()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDirectUploadWorker(o => o.ConnectionUri = new Uri("amqp://127.0.0.1/"));
        services.AddDirectUploadWorker(o => o.PrefetchCount = 32);
        services.Count(d => d.ServiceType == typeof(IHostedService)).Should().Be(1);
    }

    [Fact]
    public void RetryDelays_DoubleUpToTheCapAndNameOneQueuePerDelay()
    {
        var options = new DirectUploadWorkerOptions { InitialRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(5), MaxAttempts = 6, QueueName = "q" };
        Enumerable.Range(2, 5).Select(a => options.RetryDelayFor(a).TotalSeconds).Should().Equal(1, 2, 4, 5, 5);
        var topology = new WorkerTopology(options);
        topology.RetryQueueFor(2).Should().Be("q.retry.1000ms");
        topology.RetryQueueFor(5).Should().Be("q.retry.5000ms").And.Be(topology.RetryQueueFor(6));
        topology.DeadLetterExchange.Should().Be("q.dead-letter");
        topology.DeadLetterQueue.Should().Be("q.dead");
    }

    private static List<string> Validate(Action<DirectUploadWorkerOptions> configure)
    {
        var options = new DirectUploadWorkerOptions();
        configure(options);
        var failures = new List<string>();
        foreach (var validator in new IValidateOptions<DirectUploadWorkerOptions>[] { new DirectUploadWorkerOptionsValidator(), new DirectUploadWorkerOptionsCrossValidator() })
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        return failures;
    }
}
