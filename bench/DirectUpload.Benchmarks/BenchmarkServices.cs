using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Benchmarks;

/// <summary>The one setup every grant benchmark shares: an offline <see cref="AmazonS3Client"/> and two DirectUpload profiles.</summary>
internal static class BenchmarkServices
{
    public const string Bucket = "acme-user-uploads";
    public const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public const string PutProfile = "photos";
    public const string PostProfile = "documents";
    public const string ContentType = "image/jpeg";
    public const string FileName = "Holiday Photo 2024.JPG";
    public const long Size = 2_345_678;
    public const long MinSize = 1;
    public const long MaxSize = 10L * 1024 * 1024;

    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(15);

    /// <summary>A key of the shape our key strategy produces, for the SDK baselines.</summary>
    public const string SampleKey = "photos/01jd3c4k7q9v2m5x8z0b1c2d3e.jpg";

    /// <summary>Builds the service provider: the SDK client is registered as <see cref="IAmazonS3"/>, as an app would.</summary>
    public static ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonS3>(new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), RegionEndpoint.USEast1));
        services.AddDirectUploads(o =>
            {
                o.BucketName = Bucket;
                o.TokenSigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
            })
            .AddS3PresignedPut(PutProfile, p =>
            {
                p.KeyPrefix = "photos/";
                p.AllowedContentTypes.Add("image/*");
                p.MinSizeBytes = MinSize;
                p.MaxSizeBytes = MaxSize;
                p.Expiry = Expiry;
            })
            .AddS3PresignedPost(PostProfile, p =>
            {
                p.KeyPrefix = "photos/";
                p.AllowedContentTypes.Add("image/*");
                p.MinSizeBytes = MinSize;
                p.MaxSizeBytes = MaxSize;
                p.Expiry = Expiry;
            });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public static UploadRequest Request(string profile) => new()
    {
        Profile = profile,
        FileName = FileName,
        ContentType = ContentType,
        Size = Size,
    };
}
