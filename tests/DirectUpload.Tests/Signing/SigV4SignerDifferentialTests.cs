using System.Collections.Concurrent;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Util;
using DirectUpload.S3.Internal;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Tests.Signing;

/// <summary>
/// Our signer against the AWS SDK's own <see cref="AmazonS3Client.GetPreSignedURL"/> for the same instant, credentials,
/// endpoint, bucket, key, expiry and method. The endpoint and credentials on our side come from <see cref="S3ClientContext"/>
/// over the same client, so endpoint resolution is compared too. The SDK orders its query differently, so the query is
/// compared as a set of (still encoded) pairs, and the signature must be identical.
/// </summary>
[Collection(AwsSdkClockCollectionDefinition.Name)]
public class SigV4SignerDifferentialTests
{
    private const string Bucket = "uploads-bucket";

    // 23:59:58 UTC: a date boundary is two seconds away, so a local-time or date-rounding slip shows.
    private static readonly DateTimeOffset Instant = new(2026, 11, 21, 23, 59, 58, TimeSpan.Zero);

    private static readonly ConcurrentDictionary<string, AmazonS3Client> Clients = new();

    public static readonly string[] Keys =
    [
        "photo.jpg",
        "a b c.txt",
        "  leading and trailing spaces  ",
        "café/é.png",
        "cafe\u0301/decomposed.png",
        "日本/語のファイル.txt",
        "emoji/😀🎉👩‍👩‍👧.gif",
        "plus+sign+",
        "percent%20literal%2F%",
        "tilde~name~",
        "equals=and&question?hash#semi;colon",
        "+ % ~ / = & ? # ;",
        "sub-delims!$'()*,@:[]{}^`|\"<>\\",
        "deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z.txt",
        "users/_2E_2E/2026/11/21/01jd3c4k7q9v2m5x8z0b1c2d3e-holiday-photo.jpg",
        new string('k', 1024),
        "d/" + new string('é', 511),
        "mixed/日本 + ~%/😀 x.bin",
    ];

    public static TheoryData<string, string, int> KeyCases()
    {
        var data = new TheoryData<string, string, int>();
        var endpoints = new[] { "aws-us-east-1", "aws-eu-west-1", "aws-eu-west-1-session", "service-url-http", "service-url-http-session", "service-url-https-port" };
        foreach (var endpoint in endpoints)
        {
            foreach (var method in new[] { "GET", "PUT" })
            {
                for (var i = 0; i < Keys.Length; i++)
                {
                    data.Add(endpoint, method, i);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KeyCases))]
    public async Task Presign_SameInputsAsSdk_ProducesSdkUrl(string endpointName, string method, int keyIndex)
    {
        var key = Keys[keyIndex];
        var client = Client(endpointName);

        var ours = await PresignAsync(client, method, Bucket, key, TimeSpan.FromMinutes(15));
        var sdk = SdkPresign(client, method, Bucket, key, TimeSpan.FromMinutes(15));

        ShouldMatchSdk(ours, sdk);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(59)]
    [InlineData(900)]
    [InlineData(86_400)]
    [InlineData(604_800)]
    public async Task Presign_ExpiryFromOneSecondToSevenDays_MatchesSdk(int seconds)
    {
        var client = Client("aws-eu-west-1");

        var ours = await PresignAsync(client, "PUT", Bucket, "a b/c.txt", TimeSpan.FromSeconds(seconds));
        var sdk = SdkPresign(client, "PUT", Bucket, "a b/c.txt", TimeSpan.FromSeconds(seconds));

        ShouldMatchSdk(ours, sdk);
        QueryString.Parameters(ours)["X-Amz-Expires"].Should().Be(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("aws-us-east-1", "my.dotted.bucket")]
    [InlineData("aws-eu-west-1", "my.dotted.bucket")]
    [InlineData("aws-eu-west-1", "b12")]
    [InlineData("service-url-http", "my.dotted.bucket")]
    public async Task Presign_OtherBucketNames_MatchesSdk(string endpointName, string bucket)
    {
        var client = Client(endpointName);

        var ours = await PresignAsync(client, "GET", bucket, "x/y z.txt", TimeSpan.FromMinutes(5));
        var sdk = SdkPresign(client, "GET", bucket, "x/y z.txt", TimeSpan.FromMinutes(5));

        ShouldMatchSdk(ours, sdk);
    }

    [Fact]
    public async Task Presign_ServiceUrlEndpoint_KeepsHttpSchemeAndPort()
    {
        var ours = await PresignAsync(Client("service-url-http"), "PUT", Bucket, "a b.txt", TimeSpan.FromMinutes(5));

        ours.Should().StartWith("http://127.0.0.1:7480/uploads-bucket/a%20b.txt?");
    }

    [Fact]
    public async Task Presign_SessionCredentials_SignsSecurityTokenLikeSdk()
    {
        var client = Client("aws-eu-west-1-session");

        var ours = await PresignAsync(client, "PUT", Bucket, "k", TimeSpan.FromMinutes(5));
        var sdk = SdkPresign(client, "PUT", Bucket, "k", TimeSpan.FromMinutes(5));

        ShouldMatchSdk(ours, sdk);
        QueryString.Parameters(ours)["X-Amz-Security-Token"].Should().Be(TestServices.SessionToken);
    }

    [Theory]
    [InlineData("aws-us-east-1", "AES256", null)]
    [InlineData("aws-eu-west-1", "aws:kms", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("aws-eu-west-1-session", "aws:kms", null)]
    [InlineData("service-url-http", null, null)]
    public async Task IssueAsync_PutGrantWithEveryStoredHeader_MatchesSdkSigningTheSameHeaders(string endpointName, string? sse, string? kmsKeyId)
    {
        var client = Client(endpointName);
        using var services = TestServices.Build(
            b => b.AddS3PresignedPut("full", p =>
            {
                p.AllowedContentTypes.Add("image/*");
                p.KeyStrategy = new FixedKeyStrategy("dir/My File+1 ü.bin");
                p.KeyPrefix = "in/";
                p.Expiry = TimeSpan.FromMinutes(10);
                p.Metadata["Source"] = "web upload";
                p.AllowedMetadataKeys.Add("camera");
                p.ServerSideEncryption = sse;
                p.KmsKeyId = kmsKeyId;
                p.StorageClass = "STANDARD_IA";
                p.CacheControl = "public, max-age=31536000, immutable";
                p.ContentDisposition = "attachment; filename=\"photo.jpg\"";
            }),
            client: client,
            timeProvider: new FakeTimeProvider(Instant));
        var issuer = services.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Put);
        var md5 = TestServices.HelloMd5;

        var grant = await issuer.IssueAsync(TestServices.Request(
            profile: "full", contentType: "image/png", size: 5, md5: md5,
            metadata: new Dictionary<string, string> { ["camera"] = "X100V" }));

        var request = new GetPreSignedUrlRequest
        {
            BucketName = TestServices.Bucket,
            Key = "in/dir/My File+1 ü.bin",
            Verb = HttpVerb.PUT,
            Expires = Instant.UtcDateTime.AddMinutes(10),
            Protocol = client.Config.ServiceURL?.StartsWith("http:", StringComparison.Ordinal) == true ? Protocol.HTTP : Protocol.HTTPS,
            ContentType = "image/png",
        };
        request.Headers["Content-Length"] = "5";
        request.Headers.ContentMD5 = md5;
        request.Headers.CacheControl = "public, max-age=31536000, immutable";
        request.Headers.ContentDisposition = "attachment; filename=\"photo.jpg\"";
        request.Headers["x-amz-storage-class"] = "STANDARD_IA";
        request.Headers["If-None-Match"] = "*";
        request.Headers["x-amz-acl"] = "bucket-owner-full-control";
        if (client.Config.ServiceURL is not null)
        {
            // sealed only on S3-compatible stores; AWS S3 refuses unsigned x-amz-* headers itself
            request.Headers["x-amz-tagging"] = string.Empty;
            request.Headers["x-amz-website-redirect-location"] = string.Empty;
        }

        request.Metadata.Add("source", "web upload");
        request.Metadata.Add("camera", "X100V");
        request.Metadata.Add("du-grant", grant.Headers["x-amz-meta-du-grant"]);
        if (sse is not null)
        {
            request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.FindValue(sse);
        }

        if (kmsKeyId is not null)
        {
            request.ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId;
        }

        string sdk;
        using (new AwsSdkClock(Instant))
        {
            sdk = client.GetPreSignedURL(request);
        }

        ShouldMatchSdk(grant.Url, sdk);
    }

    [Theory]
    [InlineData("aws-us-east-1")]
    [InlineData("aws-eu-west-1-session")]
    public async Task SignPolicy_PolicySignedBySdk_ProducesSdkSignature(string endpointName)
    {
        var client = Client(endpointName);
        var context = CreateContext(client);
        var credentials = await context.GetCredentialsAsync();
        var region = context.GetEndpoint(Bucket).Region;
        const string policy = """{"expiration":"2026-11-22T00:14:58.000Z","conditions":[{"bucket":"uploads-bucket"},{"key":"a b/ü.txt"},["content-length-range",1,10]]}""";

        S3PostUploadSignedPolicy signed;
        using (new AwsSdkClock(Instant))
        {
            signed = S3PostUploadSignedPolicy.GetSignedPolicy(policy, CredentialsOf(endpointName), region);
        }

        var scope = new SigV4Signer().GetScope(credentials.AccessKeyId, credentials.SecretAccessKey, Instant.UtcDateTime, region);
        var ours = SigV4Signer.SignPolicy(Encoding.ASCII.GetBytes(signed.Policy), scope);

        ours.Should().Be(signed.Signature);
        signed.Date.Should().Be("20261121T235958Z");
        signed.Credential.Should().Be($"{TestServices.AccessKey}/20261121/{region}/s3/aws4_request");
    }

    private static void ShouldMatchSdk(string ours, string sdk)
    {
        QueryString.WithoutQuery(ours).Should().Be(QueryString.WithoutQuery(sdk), "the scheme, host, port and encoded path must match the SDK's");
        QueryString.RawPairs(ours).Should().BeEquivalentTo(QueryString.RawPairs(sdk), "the query parameters (encoded) must match the SDK's");
        QueryString.Parameters(ours)["X-Amz-Signature"].Should().Be(QueryString.Parameters(sdk)["X-Amz-Signature"]);
        ours.Should().NotContainAny("x-amz-checksum", "x-amz-sdk-checksum", "X-Amz-Checksum", "X-Amz-Sdk-Checksum");
    }

    private static async Task<string> PresignAsync(AmazonS3Client client, string method, string bucket, string key, TimeSpan expiry)
    {
        var context = CreateContext(client);
        var endpoint = context.GetEndpoint(bucket);
        var credentials = await context.GetCredentialsAsync();
        return new SigV4Signer().Presign(method, endpoint.AddressOf(bucket), key, credentials, expiry, Instant);
    }

    private static string SdkPresign(AmazonS3Client client, string method, string bucket, string key, TimeSpan expiry)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = key,
            Verb = method == "PUT" ? HttpVerb.PUT : HttpVerb.GET,
            Expires = Instant.UtcDateTime.Add(expiry),
            // GetPreSignedURL defaults to https even for an http ServiceURL; the grant keeps the endpoint's scheme.
            Protocol = client.Config.ServiceURL?.StartsWith("http:", StringComparison.Ordinal) == true ? Protocol.HTTP : Protocol.HTTPS,
        };
        using (new AwsSdkClock(Instant))
        {
            return client.GetPreSignedURL(request);
        }
    }

    private static S3ClientContext CreateContext(IAmazonS3 client)
    {
        var services = new ServiceCollection().AddSingleton(client).BuildServiceProvider();
        return new S3ClientContext(services, new TestOptionsMonitor<DirectUploadOptions>(new DirectUploadOptions()));
    }

    private static AWSCredentials CredentialsOf(string name) => name.EndsWith("-session", StringComparison.Ordinal)
        ? new SessionAWSCredentials(TestServices.AccessKey, TestServices.SecretKey, TestServices.SessionToken)
        : new BasicAWSCredentials(TestServices.AccessKey, TestServices.SecretKey);

    private static AmazonS3Client Client(string name) => Clients.GetOrAdd(name, static n => n switch
    {
        "aws-us-east-1" => TestServices.CreateClient(CredentialsOf(n), "us-east-1"),
        "aws-eu-west-1" or "aws-eu-west-1-session" => TestServices.CreateClient(CredentialsOf(n), "eu-west-1"),
        "service-url-http" or "service-url-http-session" => TestServices.CreateServiceUrlClient(CredentialsOf(n)),
        "service-url-https-port" => TestServices.CreateServiceUrlClient(CredentialsOf(n), "https://s3.storage.example.test:9443"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), n, null),
    });
}
