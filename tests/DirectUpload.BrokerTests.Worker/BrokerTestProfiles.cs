using DirectUpload;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The upload profiles of the broker tests, shared by the test "web host" and the worker process (as a real deployment shares them).</summary>
public static class BrokerTestProfiles
{
    /// <summary>
    /// The profile names; each one's key prefix is <c>{name}/</c>. <c>photos</c> is the profile the sample's thumbnail
    /// processor acts on (the bench's thumbnail handler, WORKER_HANDLER=thumbnail).
    /// </summary>
    public static readonly string[] Names = ["plain", "slow", "fail", "flaky", "photos"];

    public static IDirectUploadBuilder AddBrokerTestProfiles(this IDirectUploadBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var name in Names)
        {
            builder.AddS3PresignedPut(name, p =>
            {
                p.KeyPrefix = name + "/";
                p.AllowedContentTypes.Add("*/*");
                p.MaxSizeBytes = 10 * 1024 * 1024;
            });
        }

        return builder;
    }
}
