using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DirectUpload.Tests.TestUtilities;

/// <summary>Builds service providers with DirectUpload registered, a real (offline) <see cref="AmazonS3Client"/> and a fake clock.</summary>
public static class TestServices
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string SessionToken = "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars";
    public const string Bucket = "uploads-bucket";
    public const string Region = "us-east-1";

    /// <summary>The base64 MD5 of the five bytes "hello" (a Content-MD5 header value).</summary>
    public const string HelloMd5 = "XUFAKrxLKna5cZ2REBfFkg==";

    /// <summary>The token signing key (32 bytes, base64).</summary>
    public static readonly string TokenKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>Another valid token signing key.</summary>
    public static readonly string OtherTokenKey = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    public static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public static AmazonS3Client CreateClient(AWSCredentials? credentials = null, string region = Region) =>
        new(credentials ?? new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config { RegionEndpoint = RegionEndpoint.GetBySystemName(region) });

    public static AmazonS3Client CreateServiceUrlClient(AWSCredentials? credentials = null, string serviceUrl = "http://127.0.0.1:7480") =>
        new(
            credentials ?? new BasicAWSCredentials(AccessKey, SecretKey),
            new AmazonS3Config { ServiceURL = serviceUrl, ForcePathStyle = true, AuthenticationRegion = Region });

    /// <summary>Registers DirectUpload with the default bucket and token key, the client, and the clock; then lets the test add profiles.</summary>
    public static ServiceProvider Build(
        Action<IDirectUploadBuilder> configure,
        IAmazonS3? client = null,
        TimeProvider? timeProvider = null,
        ILoggerProvider? loggerProvider = null,
        Action<DirectUploadOptions>? options = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(timeProvider ?? new FakeTimeProvider(Now));
        services.AddSingleton(client ?? CreateClient());
        if (loggerProvider is not null)
        {
            services.AddLogging(b => b.AddProvider(loggerProvider).SetMinimumLevel(LogLevel.Trace));
        }

        var builder = services.AddDirectUploads(o =>
        {
            o.BucketName = Bucket;
            o.TokenSigningKey = TokenKey;
            options?.Invoke(o);
        });
        configure(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static UploadRequest Request(
        string profile = "photos",
        string fileName = "Holiday Photo.JPG",
        string contentType = "image/jpeg",
        long size = 1234,
        string? md5 = null,
        string? owner = null,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        new()
        {
            Profile = profile,
            FileName = fileName,
            ContentType = contentType,
            Size = size,
            ContentMd5 = md5,
            OwnerId = owner,
            Metadata = metadata,
        };
}
