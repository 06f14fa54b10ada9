using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload;

/// <summary>Adds upload profiles to DirectUpload.</summary>
public static class DirectUploadBuilderExtensions
{
    /// <summary>Adds (or further configures) a named profile.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The profile name, used in requests and URLs (case-insensitive).</param>
    /// <param name="configure">Configures the profile.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public static IDirectUploadBuilder AddProfile(this IDirectUploadBuilder builder, string name, Action<UploadProfileOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<DirectUploadOptions>(options =>
        {
            if (!options.Profiles.TryGetValue(name, out var profile))
            {
                profile = new UploadProfileOptions();
                options.Profiles[name] = profile;
            }

            configure(profile);
        });
        return builder;
    }

    /// <summary>Adds a profile whose uploads use a presigned <c>PUT</c> (<see cref="UploadMethod.Put"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The profile name.</param>
    /// <param name="configure">Configures the profile.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public static IDirectUploadBuilder AddS3PresignedPut(this IDirectUploadBuilder builder, string name, Action<UploadProfileOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProfile(name, p =>
        {
            p.Method = UploadMethod.Put;
            configure(p);
        });
    }

    /// <summary>Adds a profile whose uploads use a presigned <c>POST</c> policy (<see cref="UploadMethod.Post"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The profile name.</param>
    /// <param name="configure">Configures the profile.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public static IDirectUploadBuilder AddS3PresignedPost(this IDirectUploadBuilder builder, string name, Action<UploadProfileOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProfile(name, p =>
        {
            p.Method = UploadMethod.Post;
            configure(p);
        });
    }

    /// <summary>Uses a custom key strategy, resolved from DI, for one profile.</summary>
    /// <typeparam name="TStrategy">The strategy type; registered as a singleton if it is not yet.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="profile">The profile name.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="profile"/> is null, empty or white space.</exception>
    public static IDirectUploadBuilder UseObjectKeyStrategy<TStrategy>(this IDirectUploadBuilder builder, string profile)
        where TStrategy : class, IObjectKeyStrategy
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<TStrategy>(builder.Services);
        builder.Services.AddOptions<DirectUploadOptions>().Configure<TStrategy>((options, strategy) =>
        {
            if (!options.Profiles.TryGetValue(profile, out var p))
            {
                p = new UploadProfileOptions();
                options.Profiles[profile] = p;
            }

            p.KeyStrategy = strategy;
        });
        return builder;
    }
}
