using System.Security.Claims;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace DirectUpload.Sample;

/// <summary>
/// The sample's two safety nets: a token signing key that never comes from source control, and a rate limit on the
/// upload endpoints (anyone can ask for grants on the sample's open profiles).
/// </summary>
public static class SampleSecurity
{
    /// <summary>The rate-limiter policy that <c>MapDirectUploads(…).RequireRateLimiting(…)</c> names.</summary>
    public const string UploadsRateLimitPolicy = "uploads";

    private const string KeySetting = "DirectUpload:TokenSigningKey";

    /// <summary>
    /// The key that signs grant tokens: <c>DirectUpload:TokenSigningKey</c> from configuration (an environment variable,
    /// user secrets, a vault). In Development without one, a random key for this process only (tokens then die with the
    /// process: a restart invalidates every pending confirmation and multipart upload). Anywhere else, no key is an error.
    /// </summary>
    /// <param name="builder">The app builder.</param>
    /// <param name="generated"><see langword="true"/> when a random key was generated (log <see cref="SampleLog.GeneratedTokenKey"/>).</param>
    /// <returns>The base64 key.</returns>
    /// <exception cref="InvalidOperationException">No key is configured outside Development.</exception>
    public static string GetTokenSigningKey(this WebApplicationBuilder builder, out bool generated)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration[KeySetting];
        generated = false;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"{KeySetting} is not set, and the '{builder.Environment.EnvironmentName}' environment does not generate one. " +
                "Supply it from a secret, e.g. DirectUpload__TokenSigningKey=\"$(openssl rand -base64 32)\" in the environment; " +
                "every instance of the app needs the same key.");
        }

        generated = true;
        return Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>
    /// Registers the <see cref="UploadsRateLimitPolicy"/> policy: per signed-in user, else per client address, a fixed window
    /// of <c>Sample:RateLimit:PermitLimit</c> requests (default 120) per <c>Sample:RateLimit:WindowSeconds</c> (default 60).
    /// Refusals are <c>429</c> problem+json with the code <c>rate_limited</c> and a <c>Retry-After</c>.
    /// </summary>
    public static IServiceCollection AddSampleRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var permits = configuration.GetValue("Sample:RateLimit:PermitLimit", 120);
        var window = TimeSpan.FromSeconds(configuration.GetValue("Sample:RateLimit:WindowSeconds", 60));
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(UploadsRateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } user ? "user:" + user : "ip:" + context.Connection.RemoteIpAddress,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : (int)window.TotalSeconds;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    detail: $"Too many upload requests; try again in {seconds} s.",
                    extensions: new Dictionary<string, object?> { ["code"] = "rate_limited" }).ExecuteAsync(context.HttpContext);
            };
        });
    }
}
