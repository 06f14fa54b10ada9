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
        if (services.Any(d => d.ServiceType == typeof(ServiceRegistrations)))
        {
            return builder;
        }

        services.AddSingleton(new ServiceRegistrations(services));
        services.AddOptionsWithValidateOnStart<DirectUploadOptions, DirectUploadOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<S3ClientContext>();
        services.TryAddSingleton<SigV4Signer>();
        services.TryAddSingleton<PutGrantSigner>();
        services.TryAddSingleton<PostGrantSigner>();
        services.TryAddSingleton<PartUrlSigner>();
        services.TryAddSingleton(sp => new ProfileRegistry(
            sp.GetRequiredService<IOptionsMonitor<DirectUploadOptions>>(),
            sp.GetRequiredService<S3ClientContext>(),
            sp.GetRequiredService<PutGrantSigner>(),
            sp.GetRequiredService<PostGrantSigner>()));
        services.TryAddSingleton<UploadRequestValidator>();
        services.TryAddSingleton<IUploadTokenService, UploadTokenService>();
        services.TryAddSingleton(sp => new DirectUploadTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => new Rejections(sp.GetRequiredService<DirectUploadTelemetry>(), LoggerFactory(sp)));

        // one grant pipeline: the profile's signer, or (keyed by method) always that method's
        services.TryAddSingleton<IUploadPolicyIssuer>(sp => CreatePipeline(sp, fixedSigner: null));
        services.TryAddKeyedSingleton<IUploadPolicyIssuer>(UploadMethod.Put, (sp, _) => CreatePipeline(sp, sp.GetRequiredService<PutGrantSigner>()));
        services.TryAddKeyedSingleton<IUploadPolicyIssuer>(UploadMethod.Post, (sp, _) => CreatePipeline(sp, sp.GetRequiredService<PostGrantSigner>()));
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

    private static GrantPipeline CreatePipeline(IServiceProvider sp, IGrantSigner? fixedSigner) => new(
        sp.GetRequiredService<ProfileRegistry>(),
        sp.GetRequiredService<UploadRequestValidator>(),
        sp.GetRequiredService<S3ClientContext>(),
        sp.GetRequiredService<IUploadTokenService>(),
        sp.GetRequiredService<Rejections>(),
        sp.GetRequiredService<DirectUploadTelemetry>(),
        LoggerFactory(sp),
        fixedSigner);

    internal static ILoggerFactory LoggerFactory(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private sealed class DirectUploadBuilder(IServiceCollection services) : IDirectUploadBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
