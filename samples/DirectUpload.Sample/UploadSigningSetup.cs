using Amazon.S3;

namespace DirectUpload.Sample;

/// <summary>
/// Signs the sample's upload grants with a write-only identity when one is configured (issue 8, item 6): on Ceph RGW a
/// grant holder can add an unsigned <c>x-amz-copy-source</c> to a presigned PUT, and only an identity that cannot read
/// other objects makes RGW refuse the copy. The app's own client (downloads, confirmation, multipart) is unchanged.
/// </summary>
public static class UploadSigningSetup
{
    /// <summary>The service key the write-only client is registered under.</summary>
    public const string ServiceKey = "upload-signing";

    public static IServiceCollection AddSampleUploadSigning(this IServiceCollection services, S3Settings s3)
    {
        ArgumentNullException.ThrowIfNull(s3);
        if (string.IsNullOrEmpty(s3.UploadAccessKey))
        {
            return services;
        }

        services.AddKeyedSingleton<IAmazonS3>(ServiceKey, (_, _) => s3.CreateUploadSigningClient()!);
        services.Configure<DirectUploadOptions>(o => o.UploadSigningClientServiceKey = ServiceKey);
        return services;
    }
}
