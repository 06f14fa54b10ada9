using System.Diagnostics.Metrics;
using DirectUpload;
using DirectUpload.Internal;
using DirectUpload.S3.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DirectUpload in a service collection.</summary>
public static class DirectUploadServiceCollectionExtensions
{
    /// <summary>
    /// Registers DirectUpload: <see cref="IUploadPolicyIssuer"/> (and keyed by <see cref="UploadMethod"/>),
    /// <see cref="IMultipartUploadService"/>, <see cref="IUploadConfirmationService"/>, <see cref="IDownloadUrlIssuer"/>,
    /// <see cref="IS3EventDispatcher"/>, <see cref="IUploadTokenService"/>, and options validated at startup.
    /// Calling it again adds nothing.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add profiles.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IDirectUploadBuilder AddDirectUploads(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new DirectUploadBuilder(services);
        if (services.Any(d => d.ServiceType == typeof(DirectUploadMarker)))
        {
            return builder;
        }

        services.AddSingleton<DirectUploadMarker>();
        services.AddOptionsWithValidateOnStart<DirectUploadOptions, DirectUploadOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UploadRequestValidator>();
        services.TryAddSingleton<S3ClientContext>();
        services.TryAddSingleton(sp => new SigV4Signer(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IUploadTokenService, UploadTokenService>();
        services.TryAddSingleton(sp => new DirectUploadTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<S3PresignedPutIssuer>(sp, LoggerFactory(sp)));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<S3PresignedPostIssuer>(sp, LoggerFactory(sp)));
        services.TryAddSingleton<IUploadPolicyIssuer>(sp => ActivatorUtilities.CreateInstance<DirectUploadIssuer>(sp, LoggerFactory(sp)));
        services.TryAddKeyedSingleton<IUploadPolicyIssuer>(UploadMethod.Put, (sp, _) => sp.GetRequiredService<S3PresignedPutIssuer>());
        services.TryAddKeyedSingleton<IUploadPolicyIssuer>(UploadMethod.Post, (sp, _) => sp.GetRequiredService<S3PresignedPostIssuer>());
        services.TryAddSingleton<IDownloadUrlIssuer>(sp => ActivatorUtilities.CreateInstance<S3DownloadUrlIssuer>(sp, LoggerFactory(sp)));

        // scoped: they call the host's hooks, which may be scoped (e.g. a DbContext)
        services.TryAddScoped(sp => ActivatorUtilities.CreateInstance<UploadCompletion>(sp, LoggerFactory(sp)));
        services.TryAddScoped<IMultipartUploadService>(sp => ActivatorUtilities.CreateInstance<S3MultipartUploadService>(sp, LoggerFactory(sp)));
        services.TryAddScoped<IUploadConfirmationService>(sp => ActivatorUtilities.CreateInstance<S3UploadConfirmationService>(sp, LoggerFactory(sp)));
        services.TryAddScoped<IS3EventDispatcher>(sp => ActivatorUtilities.CreateInstance<S3EventDispatcher>(sp, LoggerFactory(sp)));
        return builder;
    }

    /// <summary>Registers DirectUpload and configures its options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options (bucket, token key, profiles).</param>
    /// <returns>A builder to add profiles.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IDirectUploadBuilder AddDirectUploads(this IServiceCollection services, Action<DirectUploadOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddDirectUploads();
        services.Configure(configure);
        return builder;
    }

    internal static ILoggerFactory LoggerFactory(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private sealed class DirectUploadBuilder(IServiceCollection services) : IDirectUploadBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class DirectUploadMarker;
}
