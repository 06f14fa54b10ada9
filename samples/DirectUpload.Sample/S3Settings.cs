using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace DirectUpload.Sample;

/// <summary>
/// Where the sample's bucket lives. Two sources, the first that is set wins:
/// <list type="number">
/// <item>the <c>DIRECTUPLOAD_S3_*</c> environment variables (what <c>eng/run-sample.sh</c> and <c>eng/test.sh</c> export
/// for the throwaway Ceph RGW they start);</item>
/// <item>the <c>S3</c> section of the configuration (appsettings.json, environment <c>S3__Bucket</c>, user secrets…), for
/// any S3: AWS itself (no <c>ServiceUrl</c>) or an S3-compatible store (MinIO, R2, Ceph…).</item>
/// </list>
/// </summary>
public sealed class S3Settings
{
    /// <summary>The S3-compatible endpoint, e.g. <c>http://127.0.0.1:7480</c>; empty for AWS S3 itself.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The signing region (AWS: the bucket's region).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The bucket. It needs a CORS rule that allows the app's origin and exposes <c>ETag</c> (see eng/rgw/cors.json).</summary>
    public string? Bucket { get; set; }

    /// <summary>The access key; empty uses the AWS SDK's default credential chain (environment, profile, instance role…).</summary>
    public string? AccessKey { get; set; }

    /// <summary>The secret key. Never put it in appsettings.json of a real deployment: use a secret store.</summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// The access key of a write-only identity that signs upload grants (on Ceph RGW the subuser <c>{uid}:uploader</c> that
    /// eng/rgw/start-rgw.sh creates); empty signs grants with <see cref="AccessKey"/>. See the README, "Unsigned x-amz-* headers".
    /// </summary>
    public string? UploadAccessKey { get; set; }

    /// <summary>The secret key of <see cref="UploadAccessKey"/>.</summary>
    public string? UploadSecretKey { get; set; }

    /// <summary>Path-style addressing (<c>http://host/bucket/key</c>); the default for a <see cref="ServiceUrl"/>.</summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>Where the settings came from, for the start-up log.</summary>
    public string Source { get; private set; } = "configuration section 'S3'";

    public static S3Settings Load(IConfiguration configuration)
    {
        var settings = new S3Settings();
        var endpoint = configuration["DIRECTUPLOAD_S3_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            settings.ServiceUrl = endpoint.Trim();
            settings.AccessKey = configuration["DIRECTUPLOAD_S3_ACCESS_KEY"];
            settings.SecretKey = configuration["DIRECTUPLOAD_S3_SECRET_KEY"];
            settings.UploadAccessKey = configuration["DIRECTUPLOAD_S3_UPLOAD_ACCESS_KEY"];
            settings.UploadSecretKey = configuration["DIRECTUPLOAD_S3_UPLOAD_SECRET_KEY"];
            settings.Bucket = configuration["DIRECTUPLOAD_S3_BUCKET"];
            settings.Region = configuration["DIRECTUPLOAD_S3_REGION"] is { Length: > 0 } region ? region : "us-east-1";
            settings.ForcePathStyle = true;
            settings.Source = "DIRECTUPLOAD_S3_* environment variables";
        }
        else
        {
            configuration.GetSection("S3").Bind(settings);
        }

        if (string.IsNullOrWhiteSpace(settings.Bucket))
        {
            throw new InvalidOperationException(
                "No S3 bucket is configured. Run ./eng/run-sample.sh (it starts a local S3 and sets DIRECTUPLOAD_S3_*), " +
                "or set S3:Bucket (and S3:ServiceUrl / S3:Region / credentials) in appsettings.json or the environment (S3__Bucket=...).");
        }

        return settings;
    }

    public AmazonS3Client CreateClient() => CreateClient(AccessKey, SecretKey);

    /// <summary>A client of the write-only upload identity, or null when none is configured.</summary>
    public AmazonS3Client? CreateUploadSigningClient() =>
        string.IsNullOrEmpty(UploadAccessKey) ? null : CreateClient(UploadAccessKey, UploadSecretKey);

    private AmazonS3Client CreateClient(string? accessKey, string? secretKey)
    {
        var config = new AmazonS3Config
        {
            // Only send flexible checksums when an operation requires them: S3-compatible stores such as Ceph RGW
            // refuse the SDK's default aws-chunked uploads with checksum trailers (see eng/rgw/NOTES.md §6).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrWhiteSpace(ServiceUrl))
        {
            config.ServiceURL = ServiceUrl;
            config.AuthenticationRegion = Region;
            config.ForcePathStyle = ForcePathStyle ?? true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
            config.ForcePathStyle = ForcePathStyle ?? false;
        }

        return string.IsNullOrEmpty(accessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    public string Describe() =>
        $"{(string.IsNullOrWhiteSpace(ServiceUrl) ? $"AWS S3 ({Region})" : ServiceUrl)}, bucket '{Bucket}' (from {Source})";
}
