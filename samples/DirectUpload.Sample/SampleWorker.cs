namespace DirectUpload.Sample;

/// <summary>
/// Worker mode: when <c>Sample:RabbitMQ:Uri</c> (environment <c>Sample__RabbitMQ__Uri</c>) is set, this process also
/// consumes RGW's notifications from RabbitMQ (DirectUpload.RabbitMQ) and runs the same pipeline as the events endpoint:
/// the catalog row and <see cref="PhotoThumbnailProcessor"/>. <c>./eng/run-sample.sh --workers 2</c> starts the web host
/// without it and two worker processes with it (same configuration, same SQLite catalog), and points RGW's persistent
/// topic at RabbitMQ instead of at the web host; both go through eng/sample-workers.sh, as the browser test of worker
/// mode does. Settings: <c>Sample:RabbitMQ:Uri</c>, <c>:RoutingKey</c> (RGW's topic name), <c>:Exchange</c>,
/// <c>:Queue</c>, and <c>Sample:WorkerId</c> (the name this process writes into its thumbnails and log lines).
/// </summary>
public static class SampleWorker
{
    /// <summary>The queue the sample's workers share.</summary>
    public const string QueueName = "directupload.sample.photos";

    /// <summary>Adds the broker worker when <c>Sample:RabbitMQ:Uri</c> is set.</summary>
    public static IServiceCollection AddSampleWorker(this IServiceCollection services, IConfiguration configuration)
    {
        var uri = configuration["Sample:RabbitMQ:Uri"];
        if (string.IsNullOrEmpty(uri))
        {
            return services;
        }

        services.AddDirectUploadWorker(o =>
        {
            o.ConnectionUri = new Uri(uri);
            o.QueueName = configuration["Sample:RabbitMQ:Queue"] ?? QueueName;
            o.ExchangeName = configuration["Sample:RabbitMQ:Exchange"] ?? o.ExchangeName;
            o.RoutingKey = configuration["Sample:RabbitMQ:RoutingKey"] ?? "#";
            o.PrefetchCount = 8;
            o.MaxConcurrency = 2;
            o.InitialRetryDelay = TimeSpan.FromSeconds(2);
            o.ConnectionName = "directupload-sample-worker-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        return services;
    }

    /// <summary>
    /// The name of this process as a maker of thumbnails: <c>Sample:WorkerId</c> when set, else <c>worker-{pid}</c> in worker
    /// mode and <c>web-{pid}</c> otherwise. Written into each thumbnail's <c>x-amz-meta-made-by</c> and into the log.
    /// </summary>
    public static string InstanceName(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration["Sample:WorkerId"] is { Length: > 0 } id)
        {
            return id;
        }

        var pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.IsNullOrEmpty(configuration["Sample:RabbitMQ:Uri"]) ? "web-" + pid : "worker-" + pid;
    }
}
