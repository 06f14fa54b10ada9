using DirectUpload.RabbitMQ;
using DirectUpload.RabbitMQ.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the DirectUpload broker worker.</summary>
public static class DirectUploadWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a hosted service that consumes S3 event notifications from RabbitMQ and runs each message through the
    /// registered <see cref="DirectUpload.IS3EventDispatcher"/> (call <c>AddDirectUploads(...)</c> too, with the same
    /// profiles and token key as the web host). Options are validated at startup.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="DirectUploadWorkerOptions.ConnectionUri"/>).</param>
    /// <returns>The options builder, e.g. to <c>.BindConfiguration("DirectUpload:Worker")</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static OptionsBuilder<DirectUploadWorkerOptions> AddDirectUploadWorker(this IServiceCollection services, Action<DirectUploadWorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddDirectUploadWorker();
        builder.Configure(configure);
        return builder;
    }

    /// <summary>Adds the broker worker with options to be configured or bound by the caller (see the other overload).</summary>
    /// <param name="services">The services.</param>
    /// <returns>The options builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static OptionsBuilder<DirectUploadWorkerOptions> AddDirectUploadWorker(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptionsWithValidateOnStart<DirectUploadWorkerOptions, DirectUploadWorkerOptionsValidator>();
        if (services.Any(d => d.ServiceType == typeof(WorkerTelemetry)))
        {
            return builder; // a second call only adds configuration
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DirectUploadWorkerOptions>, DirectUploadWorkerOptionsCrossValidator>());
        services.AddSingleton(sp => new WorkerTelemetry(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHostedService<DirectUploadWorker>();
        return builder;
    }
}
