using System.Net;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.S3;
using DirectUpload.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// The AWS idiom of the README: the <see cref="IAmazonS3"/> that <c>AWSSDK.Extensions.NETCore.Setup</c> registers
/// (<c>AddAWSService</c>, configured from the <c>AWS</c> configuration section, and <c>AddKeyedAWSService</c> with
/// <see cref="DirectUploadOptions.S3ClientServiceKey"/>) feeds DirectUpload, and its grants work against a real S3.
/// </summary>
[Collection(RealS3.Name)]
public sealed class AwsSetupTests
{
    private readonly S3Fixture _s3;

    public AwsSetupTests(S3Fixture s3) => _s3 = s3;

    [Fact]
    public async Task AddAWSServiceFromConfiguration_FeedsTheGrants()
    {
        var prefix = _s3.NewPrefix("aws-setup");
        var services = new ServiceCollection();

        // --- as in the README (appsettings.json: "AWS": { "Region", "ServiceURL", "ForcePathStyle", "AuthenticationRegion" }) ---
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS:Region"] = _s3.Region,
            ["AWS:ServiceURL"] = _s3.Endpoint,
            ["AWS:ForcePathStyle"] = "true",
            ["AWS:AuthenticationRegion"] = _s3.Region,
        }).Build();
        var aws = configuration.GetAWSOptions();
        aws.Credentials = new BasicAWSCredentials(_s3.AccessKey, _s3.SecretKey); // on AWS: the default chain (roles, profiles…)
        services.AddDefaultAWSOptions(aws);
        services.AddAWSService<IAmazonS3>();
        services.AddDirectUploads(o =>
        {
            o.BucketName = _s3.Bucket;
            o.TokenSigningKey = S3Fixture.TokenSigningKey;
        }).AddS3PresignedPut("avatars", p => { p.KeyPrefix = prefix; p.AllowedContentTypes.Add("image/*"); });
        // ---

        await using var provider = services.BuildServiceProvider();
        var body = TestData.Bytes(300);
        var grant = await provider.GetRequiredService<IUploadPolicyIssuer>()
            .IssueAsync(new UploadRequest { Profile = "avatars", FileName = "me.png", ContentType = "image/png", Size = body.Length });

        grant.Url.Should().StartWith($"{_s3.Endpoint.TrimEnd('/')}/{_s3.Bucket}/{prefix}", "the SDK-registered client's endpoint and path style are used");
        TestData.QueryValue(grant.Url, "X-Amz-Credential").Should().StartWith(_s3.AccessKey + "/");
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(HttpStatusCode.OK);
        await _s3.ShouldHoldAsync(grant.Key, body, "image/png");
    }

    [Fact]
    public async Task AddKeyedAWSService_IsUsedThroughS3ClientServiceKey()
    {
        var prefix = _s3.NewPrefix("aws-keyed");
        var services = new ServiceCollection();

        // the default client points at a dead endpoint with wrong credentials: it must not be the one that signs
        services.AddDefaultAWSOptions(new AWSOptions
        {
            Credentials = new BasicAWSCredentials("WRONGKEY", "wrong-secret"),
            DefaultClientConfig = { ServiceURL = "http://127.0.0.1:9", AuthenticationRegion = "eu-west-3" },
        });
        services.AddAWSService<IAmazonS3>();
        // the uploads' store: its own configuration section, registered under a key
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["UploadsS3:Region"] = _s3.Region,
            ["UploadsS3:ServiceURL"] = _s3.Endpoint,
            ["UploadsS3:ForcePathStyle"] = "true",
            ["UploadsS3:AuthenticationRegion"] = _s3.Region,
        }).Build();
        var uploads = configuration.GetAWSOptions("UploadsS3");
        uploads.Credentials = new BasicAWSCredentials(_s3.AccessKey, _s3.SecretKey);
        services.AddKeyedAWSService<IAmazonS3>("uploads", uploads);
        services.AddDirectUploads(o =>
        {
            o.BucketName = _s3.Bucket;
            o.TokenSigningKey = S3Fixture.TokenSigningKey;
            o.S3ClientServiceKey = "uploads";
        }).AddS3PresignedPut("docs", p => { p.KeyPrefix = prefix; p.AllowedContentTypes.Add("text/plain"); });

        await using var provider = services.BuildServiceProvider();
        var body = TestData.Bytes(64);
        var grant = await provider.GetRequiredService<IUploadPolicyIssuer>()
            .IssueAsync(new UploadRequest { Profile = "docs", FileName = "a.txt", ContentType = "text/plain", Size = body.Length });

        TestData.QueryValue(grant.Url, "X-Amz-Credential").Should().StartWith(_s3.AccessKey + "/", "the keyed client signed");
        (await _s3.Follower.FollowAsync(grant, body)).ShouldSucceed(HttpStatusCode.OK);
        await _s3.ShouldHoldAsync(grant.Key, body, "text/plain");
    }
}
