using Amazon.Runtime;
using Amazon.S3;

namespace DirectUpload.Testing;

/// <summary>
/// The one SDK configuration of the tests for a real Ceph RGW (or another S3-compatible store) on loopback: path-style
/// addressing, the given authentication region, and flexible checksums only when required (RGW Pacific refuses the SDK's
/// default aws-chunked uploads with trailing checksums).
/// </summary>
internal static class RgwS3
{
    public const string DefaultRegion = "us-east-1";

    /// <summary>A new configuration for the store at <paramref name="serviceUrl"/> (e.g. <c>http://127.0.0.1:7480</c>).</summary>
    public static AmazonS3Config Config(string serviceUrl, string region = DefaultRegion, TimeSpan? timeout = null, int? maxErrorRetry = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = serviceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (timeout is { } t)
        {
            config.Timeout = t;
        }

        if (maxErrorRetry is { } retries)
        {
            config.MaxErrorRetry = retries;
        }

        return config;
    }

    /// <summary>A new SDK client of the given identity for the store at <paramref name="serviceUrl"/>, configured by <see cref="Config"/>.</summary>
    public static AmazonS3Client Client(
        string accessKey, string secretKey, string serviceUrl, string region = DefaultRegion, TimeSpan? timeout = null, int? maxErrorRetry = null) =>
        new(new BasicAWSCredentials(accessKey, secretKey), Config(serviceUrl, region, timeout, maxErrorRetry));
}
