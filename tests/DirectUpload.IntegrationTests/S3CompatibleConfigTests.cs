using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using DirectUpload.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// The S3-compatible configuration as the README shows it: <c>ServiceURL</c> with plain http and a port, path-style,
/// <c>AuthenticationRegion</c>. Grants keep the scheme and port, address the bucket in the path, sign for the region,
/// carry no flexible-checksum parameters, and work.
/// </summary>
/// <remarks>
/// RGW-vs-AWS: RGW accepts any region in the credential scope if the signature matches, so a wrong region would not be
/// caught here; the scope is therefore asserted textually.
/// </remarks>
[Collection(RealS3.Name)]
public sealed class S3CompatibleConfigTests
{
    private readonly S3Fixture _s3;

    public S3CompatibleConfigTests(S3Fixture s3) => _s3 = s3;

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task ReadmeConfiguration_IssuesGrantsThatWork(string serviceUrlSuffix)
    {
        var prefix = _s3.NewPrefix("readme");
        var endpoint = _s3.Endpoint.TrimEnd('/');
        var services = new ServiceCollection();

        // --- as in the README ---
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint + serviceUrlSuffix, // e.g. "http://127.0.0.1:7480"
            ForcePathStyle = true,
            AuthenticationRegion = _s3.Region,        // e.g. "us-east-1"
        };
        services.AddSingleton<IAmazonS3>(new AmazonS3Client(new BasicAWSCredentials(_s3.AccessKey, _s3.SecretKey), config));
        services.AddDirectUploads(o =>
        {
            o.BucketName = _s3.Bucket;
            o.TokenSigningKey = S3Fixture.TokenSigningKey;
        })
        .AddS3PresignedPut("avatars", p => { p.KeyPrefix = prefix + "put/"; p.AllowedContentTypes.Add("image/*"); })
        .AddS3PresignedPost("photos", p => { p.KeyPrefix = prefix + "post/"; p.AllowedContentTypes.Add("image/*"); });
        // ---

        await using var provider = services.BuildServiceProvider();
        var issuer = provider.GetRequiredService<IUploadPolicyIssuer>();
        var scope = $"/{_s3.Region}/s3/aws4_request";

        var body = TestData.Bytes(200);
        var put = await issuer.IssueAsync(new UploadRequest { Profile = "avatars", FileName = "me.jpg", ContentType = "image/jpeg", Size = body.Length });
        put.Url.Should().StartWith($"{endpoint}/{_s3.Bucket}/{prefix}put/", "scheme, host, port and path-style bucket are kept");
        TestData.QueryValue(put.Url, "X-Amz-Credential").Should().StartWith(_s3.AccessKey + "/").And.EndWith(scope);
        put.Url.Should().NotContainAny("x-amz-checksum", "x-amz-sdk-checksum", "X-Amz-Checksum", "x-id=");
        put.Headers.Keys.Should().NotContain(k => k.StartsWith("x-amz-checksum", StringComparison.OrdinalIgnoreCase));
        (await _s3.Follower.FollowAsync(put, body)).ShouldSucceed(HttpStatusCode.OK);
        await _s3.ShouldHoldAsync(put.Key, body, "image/jpeg");

        var post = await issuer.IssueAsync(new UploadRequest { Profile = "photos", FileName = "p.png", ContentType = "image/png", Size = body.Length });
        post.Url.Should().Be($"{endpoint}/{_s3.Bucket}");
        post.Fields["x-amz-credential"].Should().StartWith(_s3.AccessKey + "/").And.EndWith(scope);
        post.Fields.Keys.Should().NotContain(k => k.Contains("checksum", StringComparison.OrdinalIgnoreCase));
        TestData.FromBase64Utf8(post.Fields["policy"]).Should().Contain($"{{\"bucket\":\"{_s3.Bucket}\"}}");
        (await _s3.Follower.FollowAsync(post, body)).ShouldSucceed(HttpStatusCode.NoContent);
        await _s3.ShouldHoldAsync(post.Key, body, "image/png");
    }

    [Fact]
    public async Task KeyedS3Client_IsUsedWhenConfigured()
    {
        var prefix = _s3.NewPrefix("keyed");
        var services = new ServiceCollection();

        // an unkeyed client with wrong credentials must not be the one that signs
        services.AddSingleton<IAmazonS3>(new AmazonS3Client(
            new BasicAWSCredentials("WRONGKEY", "wrong-secret"),
            new AmazonS3Config { ServiceURL = "http://127.0.0.1:9", ForcePathStyle = true, AuthenticationRegion = "eu-west-3" }));
        services.AddKeyedSingleton<IAmazonS3>("uploads", _s3.CreateS3Client());
        services.AddDirectUploads(o =>
        {
            o.BucketName = _s3.Bucket;
            o.TokenSigningKey = S3Fixture.TokenSigningKey;
            o.S3ClientServiceKey = "uploads";
        }).AddS3PresignedPut("docs", p => { p.KeyPrefix = prefix; p.AllowedContentTypes.Add("text/plain"); });

        await using var provider = services.BuildServiceProvider();
        var body = TestData.Bytes(50);
        var grant = await provider.GetRequiredService<IUploadPolicyIssuer>()
            .IssueAsync(new UploadRequest { Profile = "docs", FileName = "a.txt", ContentType = "text/plain", Size = body.Length });

        grant.Url.Should().StartWith(_s3.Endpoint.TrimEnd('/') + "/");
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(HttpStatusCode.OK);
        await _s3.ShouldHoldAsync(grant.Key, body, "text/plain");
    }
}
