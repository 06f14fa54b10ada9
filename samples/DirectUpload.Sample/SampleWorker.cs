namespace DirectUpload.Sample;

/// <summary>
/// Worker mode: when <c>Sample:RabbitMQ:Uri</c> (environment <c>Sample__RabbitMQ__Uri</c>) is set, this process also
/// consumes RGW's notifications from RabbitMQ (DirectUpload.RabbitMQ) and runs the same pipeline as the events endpoint:
/// the catalog row and <see cref="PhotoThumbnailProcessor"/>. <c>./eng/run-sample.sh --workers 2</c> starts the web host
/// without it and two worker processes with it (same configuration, same SQLite catalog), and points RGW's persistent
/// topic at RabbitMQ instead of at the web host.
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
            o.QueueName = QueueName;
            o.RoutingKey = configuration["Sample:RabbitMQ:RoutingKey"] ?? "#";
            o.PrefetchCount = 8;
            o.MaxConcurrency = 2;
            o.InitialRetryDelay = TimeSpan.FromSeconds(2);
            o.ConnectionName = "directupload-sample-worker-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        return services;
    }
}
